"""A person in a browser: opening pages, filling labelled fields, pressing buttons."""

import re
from urllib.parse import urlsplit

from tests.browser import STRONG_PASSWORD


class Visitor:
    """One browser context's page on the site, driven the way a person uses it."""

    def __init__(self, page, site):
        self.page = page
        self.site = site
        self.console_errors: list[str] = []
        page.on("console", self._keep_console_error)

    def _keep_console_error(self, message) -> None:
        # A 4xx answer is logged as "Failed to load resource": pages that
        # refuse a form do that on purpose. Anything else (a CSP refusal, a
        # script error) is kept.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(message.text)

    # -- Moving around ---------------------------------------------------

    def open(self, path: str) -> "Visitor":
        self.page.goto(self.site.url + path)
        return self

    def open_link(self, link: str) -> "Visitor":
        """Open an emailed link, as a click in a mail app does."""
        assert link.startswith(self.site.url + "/"), link
        self.page.goto(link)
        return self

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    def open_another(self, width: str = "desktop") -> "Visitor":
        """Open a second browser (another device) on the same site."""
        return self.opener(width)

    # -- Forms -----------------------------------------------------------

    def fill(self, label: str, value: str) -> "Visitor":
        self.page.get_by_label(label, exact=True).first.fill(value)
        return self

    def press(self, button: str) -> "Visitor":
        """Press a button and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button, exact=True).first.click()
        return self

    def follow(self, link: str) -> "Visitor":
        with self.page.expect_navigation():
            self.page.get_by_role("link", name=link, exact=True).first.click()
        return self

    # -- What the page says ---------------------------------------------

    def heading(self) -> str:
        return self.page.locator("main h1").first.inner_text()

    def flashes(self) -> list[str]:
        return self.page.locator(".flash").all_inner_texts()

    def text(self) -> str:
        return " ".join(self.page.locator("main").inner_text().split())

    # -- Steps every journey takes ----------------------------------------

    def sign_in(self, email: str, password: str = STRONG_PASSWORD) -> "Visitor":
        self.open("/auth/login")
        self.fill("Email address", email).fill("Password", password)
        return self.press("Sign in")

    def sign_in_with(self, provider: str, *, page: str = "/auth/login") -> "Visitor":
        """Press "Continue with <provider>" on ``page``; the provider's answer comes back."""
        self.open(page)
        return self.press(f"Continue with {provider}")

    def enter_code(self, code: str, *, trust: bool = False) -> "Visitor":
        """Pass (or try) the second step of a sign-in with an app's or a recovery code."""
        assert self.path == "/auth/two-factor", self.path
        self.fill("Code", code)
        if trust:
            self.page.get_by_label("Trust this device", exact=False).check()
        return self.press("Continue")

    def open_menu(self) -> "Visitor":
        """Open the account menu in the header (a <details>, script or not)."""
        menu = self.page.locator("details.account-menu")
        if menu.get_attribute("open") is None:
            menu.locator("summary").click()
        return self

    def sign_out(self) -> "Visitor":
        self.open_menu()
        return self.press("Sign out")

    def link_in_mail(self, address: str, count: int = 1) -> str:
        """Wait for the ``count``-th message to ``address``; return its first link."""
        message = self.site.mailbox.wait_for(address, count)[count - 1]
        return self.site.mailbox.links(message)[0]

    def wait_for_path(self, path: str) -> None:
        self.page.wait_for_url(re.compile(re.escape(self.site.url + path) + r"(\?.*)?$"))
