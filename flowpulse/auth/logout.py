"""/auth/logout: "Sign out?" on GET, the sign-out itself on POST, then "You are signed out"."""

from flask import render_template, request

from flowpulse.auth import second_step
from flowpulse.auth.forms import LogoutForm
from flowpulse.services import trusted_devices
from flowpulse.web.auth_cookie import sign_out, signed_out_redirect
from flowpulse.web.csrf import csrf, form_status


@csrf.exempt  # checked by the form: a stale token gets the "Sign out?" page, not an error
def logout():
    """Ask first (GET); sign out (POST); a refused token asks again, still signed in."""
    if request.method == "GET":
        return render_template("auth/logout.html")
    form = LogoutForm()
    if not form.validate_on_submit():
        # Never a silent failure: the page says the sign-out did not happen
        # and, to a signed-in browser, offers the button again with a fresh token.
        status = form_status(form)  # first: it words the CSRF message
        return render_template("auth/logout.html", form=form), status
    # Clear-Site-Data deletes the trust cookie, but not a copy of it taken
    # before: the server forgets this browser's trust, so no copy skips the code.
    trusted_devices.forget(second_step.trust_cookie())
    sign_out()
    return signed_out_redirect()
