"""CSRF protection (Flask-WTF) on every POST.

Rate-limited views are exempt from the global before-request check and
validate the token through their form instead, inside the rate limit: a
flood of posts then gets 429 whether or not its tokens are valid, and a
failed token re-renders the form (400) instead of leaving the page.
"""

from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

#: Shown when a form's CSRF token is missing, stale or foreign (next to the
#: re-rendered form, or on the error page of a form that cannot be re-rendered).
CSRF_FAILED = "This form expired or came from another site. Please submit it again."


def form_status(form: FlaskForm) -> int:
    """Return the status a re-rendered form gets: 200, 400 (CSRF) or 422."""
    if "csrf_token" in form.errors:
        form.csrf_token.errors[:] = [CSRF_FAILED]
        return 400
    return 422 if form.errors else 200
