"""Public pages pass axe-core in a real browser."""
import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/", "/join", "/login", "/password/forgot", "/privacy",
                                  "/accessibility"])
def test_public_page_is_accessible(live_server, page, axe, path):
    page.goto(live_server + path)
    axe(page)


def test_axe_check_catches_a_real_violation(page, axe):
    """Guard against a check that cannot fail: an unlabelled image must be reported."""
    page.set_content("<html lang='en'><head><title>t</title></head><body><header></header>"
                     "<nav></nav><main><h1>x</h1><img src='data:,'></main><footer></footer>"
                     "</body></html>")
    with pytest.raises(AssertionError, match="image-alt"):
        axe(page)
