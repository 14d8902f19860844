"""The portal's one style sheet and one script, inlined into its pages, and the page CSP.

Both are inlined (no extra request for a phone opening a QR code) and allowed by their
SHA-256 hashes in the Content-Security-Policy, so the policy needs neither
``'unsafe-inline'`` nor a nonce (a nonce would make every cached page unique). The texts are
fixed at import time: the hash in the header and the bytes in the page are computed from the
same string, so they cannot drift apart. Templates hold no ``style=`` or ``on…=``
attributes — a hash policy does not cover those.
"""

from __future__ import annotations

import base64
import hashlib
from importlib.resources import files

from markupsafe import Markup

#: The portal's styles (templates/portal.css), inserted into ``<style>`` by base.html.
CSS = files("api.portal").joinpath("templates/portal.css").read_text(encoding="utf-8")

#: The item page's share box: select the link on click, copy it with the button.
SHARE_SCRIPT = (
    "(function(){var i=document.getElementById('share-url'),b=document.getElementById('share-copy');"
    "if(!i||!b)return;i.addEventListener('click',function(){i.select()});"
    "b.addEventListener('click',function(){if(navigator.clipboard)"
    "navigator.clipboard.writeText(i.value).then(function(){b.textContent='已复制'})})})();"
)


def csp_hash(text: str) -> str:
    """The CSP source expression allowing exactly this inline text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


#: Every portal page (and its error pages): nothing but the inlined style and script, images
#: from the portal itself, forms to the portal itself, and no framing.
PORTAL_CSP = (
    f"default-src 'none'; style-src {csp_hash(CSS)}; script-src {csp_hash(SHARE_SCRIPT)}; img-src 'self' data:;"
    " form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

#: Jinja globals for the templates (Markup: inserted verbatim, exactly the hashed text).
TEMPLATE_GLOBALS = {"portal_css": Markup(CSS), "share_script": Markup(SHARE_SCRIPT)}
