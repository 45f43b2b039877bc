"""Demo library: real PDF and DOCX files generated here, shared by the demo members.

Idempotent: resources are matched by title. Called from forum.demo.load_demo. Each is
shared on its day of the demo's Timeline, a later version weeks after, and its text is read
a few minutes after the upload, as a worker would.
"""
import io
import zipfile
from xml.sax.saxutils import escape

from flask import current_app
from werkzeug.datastructures import FileStorage

from ..accounts.models import User
from ..demo_clock import Timeline, at
from ..discussions.models import Category
from ..extensions import db
from ..jobs import run_pending
from . import services
from .models import Resource
from ..files.uploads import receive

# day of the demo's Timeline it was shared, title, category, sharer, tags, description, file
# name, pages (title, paragraphs), versions (each later version: uploader, note, extra
# paragraph, days after the one before), or a URL instead of a file name.
LIBRARY = [
    (27, "Model sexual harassment policy (template)", "Sexual harassment and employment law",
     "fiona@demo.example", "policy, template, sexual harassment",
     "Our policy, with the organisation-specific parts marked **[in brackets]** so you can "
     "adapt it. It covers third-party harassment and anonymous reporting.",
     "model-sexual-harassment-policy.docx",
     [("Model sexual harassment policy", [
         "1. Purpose. Eastfield City Council is committed to a workplace free from sexual "
         "harassment. This policy sets out the reasonable steps we take to prevent it.",
         "2. Scope. The policy covers employees, workers, volunteers and contractors, and "
         "harassment by third parties such as customers and service users.",
         "3. Reporting. Staff can report to their line manager, to any trained contact "
         "officer, or anonymously through the online reporting form.",
         "4. Support. Anyone who reports will be offered support, including access to the "
         "employee assistance programme and specialist VAW services."])],
     [("fiona@demo.example", "Updated for the preventative duty",
       "5. Risk assessment. Each service carries out a sexual harassment risk assessment "
       "every year and records the reasonable steps it has taken.", 61)]),
    (52, "Preventative duty: risk assessment checklist", "Sexual harassment and employment law",
     "raj@demo.example", "preventative duty, risk assessment, checklist",
     "A two-page checklist we use with service managers to assess the risk of sexual "
     "harassment, including from patients and visitors.",
     "preventative-duty-checklist.pdf",
     [("Preventative duty: risk assessment checklist", [
         "Lone working: are staff working alone with members of the public? Record the "
         "controls in place, such as buddy systems and check-in calls.",
         "Third parties: could patients, visitors or contractors harass staff? Is there a "
         "clear statement that harassment will not be tolerated?",
         "Power imbalances: are there roles where junior staff depend on one manager for "
         "shifts or progression?"]),
      ("Actions and review", [
          "Record each action with an owner and a date. Review the assessment every year, "
          "after any report of harassment, and when the service changes."])],
     []),
    (79, "VAW staff survey: question bank", "Data and reporting", "eilidh@demo.example",
     "staff survey, data, template",
     "Questions we used in our staff survey on violence against women, with notes on "
     "wording that worked for shift workers.", "vaw-staff-survey-questions.docx",
     [("Staff survey on violence against women: question bank", [
         "Q1. In the last 12 months, have you experienced sexual harassment at work?",
         "Q2. If you experienced it, did you tell anyone at work? If not, why not?",
         "Q3. How confident are you that a report would be taken seriously?",
         "Note: say clearly who will see the results and that responses are anonymous."])],
     []),
    (133, "Supporting employees experiencing domestic abuse: guidance for managers",
     "Workplace culture", "moderator@demo.example", "guidance, domestic abuse, managers",
     "Close the Gap guidance for line managers: recognising signs, having the first "
     "conversation, safety planning and paid safe leave.", "domestic-abuse-manager-guidance.pdf",
     [("Supporting employees experiencing domestic abuse", [
         "Recognise: changes in attendance, performance or behaviour can be signs of "
         "domestic abuse. Do not wait for an employee to raise it.",
         "Respond: listen, believe and do not judge. Ask what support would help.",
         "Refer: signpost to specialist services such as Scotland's Domestic Abuse and "
         "Forced Marriage Helpline, and to your employee assistance programme.",
         "Record: agree with the employee what is written down and who sees it."])],
     []),
    (190, "Close the Gap: research and resources on women's employment",
     "The accreditation journey", "moderator@demo.example", "research, close the gap",
     "Close the Gap's own site, with research on women's labour market inequality and the "
     "Equally Safe at Work programme.", "https://www.closethegap.org.uk/", [], []),
]


def load_resource_demo(timeline: Timeline | None = None) -> int:
    """Add the demo resources that are missing, dated on `timeline`; returns how many."""
    timeline = timeline or Timeline()
    users = {u.email: u for u in db.session.scalars(db.select(User))}
    categories = {c.name: c for c in db.session.scalars(db.select(Category))}
    titles = set(db.session.scalars(db.select(Resource.title)))
    inline = current_app.config["JOBS_INLINE"]
    added = 0
    for position, (day, title, category, sharer, tags, description, file_or_url, pages,
                   versions) in enumerate(LIBRARY):
        if title in titles or sharer not in users or category not in categories:
            continue
        is_url = file_or_url.startswith("https://")
        upload = None if is_url else _upload(file_or_url, pages)
        uploaded = timeline.day(day, 10 + position, 20)
        with at(uploaded):
            resource = services.share_resource(
                users[sharer], title=title, description=description,
                category=categories[category], tags=tags, upload=upload,
                url=file_or_url if is_url else None)
        _read_text(timeline, uploaded, inline and not is_url)
        for uploader, note, paragraph, days in versions:
            later = [(heading, paragraphs + [paragraph]) for heading, paragraphs in pages]
            uploaded = timeline.after(uploaded, days=days, hours=3)
            with at(uploaded):
                services.add_version(users[uploader], resource, _upload(file_or_url, later),
                                     note)
            _read_text(timeline, uploaded, inline)
        added += 1
    db.session.commit()
    if added and inline:
        run_pending(limit=50)  # the rest (search indexing) now, as a worker would
    return added


def _read_text(timeline: Timeline, uploaded, inline: bool) -> None:
    """With inline jobs, read the text of the file just uploaded a few minutes later, as a
    worker would (without them, the worker reads it when it runs)."""
    if inline:
        with at(timeline.after(uploaded, minutes=4)):
            run_pending(limit=50, kinds=["files.extract_text"])


def _upload(name: str, pages):
    data = demo_pdf(pages) if name.endswith(".pdf") else demo_docx(pages)
    return receive(FileStorage(stream=io.BytesIO(data), filename=name))


def demo_pdf(pages) -> bytes:
    """A real PDF (fpdf2, core fonts): one page per (heading, paragraphs)."""
    from fpdf import FPDF
    document = FPDF(format="A4")
    document.set_title(pages[0][0])
    document.set_author("Equally Safe at Work Community of Practice (demo)")
    for heading, paragraphs in pages:
        document.add_page()
        document.set_font("Helvetica", style="B", size=16)
        document.multi_cell(0, 9, heading)
        document.ln(4)
        document.set_font("Helvetica", size=11)
        for paragraph in paragraphs:
            document.multi_cell(0, 6, paragraph)
            document.ln(3)
    return bytes(document.output())


_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>')
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def demo_docx(pages) -> bytes:
    """A minimal, valid Word document: headings in bold, then paragraphs."""
    body = []
    for heading, paragraphs in pages:
        body.append(f'<w:p><w:r><w:rPr><w:b/><w:sz w:val="32"/></w:rPr>'
                    f'<w:t>{escape(heading)}</w:t></w:r></w:p>')
        body += [f'<w:p><w:r><w:t xml:space="preserve">{escape(p)}</w:t></w:r></w:p>'
                 for p in paragraphs]
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                f'2006/main"><w:body>{"".join(body)}</w:body></w:document>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_TYPES)
        archive.writestr("_rels/.rels", _DOCX_RELS)
        archive.writestr("word/document.xml", document)
    return out.getvalue()

