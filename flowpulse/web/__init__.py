"""Web plumbing shared by every blueprint: the auth cookie, CSRF, rate limits, error
pages, security headers, safe redirects, form fields and inputs, the access log.
"""
