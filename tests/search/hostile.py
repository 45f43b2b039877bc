"""Query strings a search box must survive: sensible results or nothing, never an error."""

HOSTILE_QUERIES = [
    '"', '""', '"""', '"unbalanced', 'unbalanced"', '"a" "b', "(", ")", "((((", "))))",
    "(policy", "policy)", "[", "]", "{", "}", "[policy TO]", "{a TO b}", "AND", "OR", "NOT",
    "AND OR NOT", "policy AND", "OR policy", "NOT policy", "-", "--", "-policy", "- -",
    "+", "++policy", "*", "**", "?", "po?icy", "*policy", "pol*", "p*", "~", "policy~2",
    "policy^10", "^", "title:policy", "body:secret", "author:admin", "deleted:true",
    "staff_only:true", "key:thread:1", "kind:resource", ":", "::", "a:b:c", "\\", "\\\\",
    "'", "''", "`", "&&", "||", "!", "/", "//", "/.*/", "%", "%%%", "_", "___", "$", "@",
    "#", "=", "<", ">", "<script>alert(1)</script>", "' OR 1=1 --", "'; DROP TABLE post; --",
    "\x00", "policy\x00pay", "\u202epolicy", "\u200b", "\ufeff", "🙂", "🙂🙂🙂 policy",
    "حقوق المرأة", "שוויון", "政策", "ǅemal", "ﬁnance", "Ｐｏｌｉｃｙ", " ", "\t\n\r",
    "policy " * 200, "x" * 10_000, "a" * 300, "-a " * 500, '"a ' * 300, "(" * 1000,
    "pol* " * 50, "a*", "ab*", "*" * 1000,
]
