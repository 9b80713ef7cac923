#!/usr/bin/env python3
"""Put the sha256 of every inline <script> into the Content-Security-Policy of Trunk's index.html.

Trunk starts the app with an inline <script type="module"> loader whose text names the hashed .js/.wasm
files, so its hash changes with every build. index.html carries the placeholder 'sha256-TRUNK_LOADER'
in its CSP meta tag; this script replaces it with 'sha256-<base64>' for each inline script.

Runs as a Trunk post_build hook (Trunk.toml): Trunk 0.21 runs post_build hooks after it has written the
final HTML into $TRUNK_STAGING_DIR and before it moves the staging dir to dist/. A non-zero exit fails
the build. Standard library only.

Usage:
  python3 scripts/csp-hash.py                  # as the hook: edits $TRUNK_STAGING_DIR/index.html
  python3 scripts/csp-hash.py FILE.html        # edits FILE.html
  python3 scripts/csp-hash.py --check FILE     # exit 1 unless every inline script's hash is in FILE's CSP
"""

import base64
import hashlib
import os
import re
import sys

PLACEHOLDER = "'sha256-TRUNK_LOADER'"

# Script elements are raw text in HTML: their content ends at the first "</script", case-insensitive.
SCRIPT_RE = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
SRC_ATTR_RE = re.compile(r"(?:^|\s)src\s*=", re.IGNORECASE)
CSP_META_RE = re.compile(
    r"<meta\b[^>]*http-equiv\s*=\s*[\"']?Content-Security-Policy[\"']?[^>]*>", re.IGNORECASE | re.DOTALL
)


def fail(message: str) -> "None":
    print(f"csp-hash: ERROR: {message}", file=sys.stderr)
    sys.exit(1)


def inline_script_hashes(html: str) -> list:
    """CSP source expressions for each inline script, in document order, without duplicates."""
    hashes = []
    for match in SCRIPT_RE.finditer(html):
        attrs, body = match.group(1), match.group(2)
        if SRC_ATTR_RE.search(attrs):
            continue  # external script: covered by 'self'
        # The browser hashes the script's text after the HTML parser has normalised newlines to LF.
        text = body.replace("\r\n", "\n").replace("\r", "\n")
        digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
        source = f"'sha256-{digest}'"
        if source not in hashes:
            hashes.append(source)
    return hashes


def csp_metas(html: str) -> list:
    return CSP_META_RE.findall(html)


def fill(path: str) -> None:
    try:
        with open(path, encoding="utf-8", newline="") as f:
            html = f.read()
    except OSError as err:
        fail(f"cannot read {path}: {err}")
    hashes = inline_script_hashes(html)
    if not hashes:
        fail(f"no inline <script> found in {path}; expected Trunk's module loader. Is the "
             '<link data-trunk rel="rust"> tag still in index.html?')
    metas = csp_metas(html)
    if not metas:
        fail(f"no Content-Security-Policy meta tag found in {path}")
    if not any(PLACEHOLDER in meta for meta in metas):
        fail(f"placeholder {PLACEHOLDER} not found in the CSP meta tag of {path}")
    new_html = html
    for meta in metas:
        new_html = new_html.replace(meta, meta.replace(PLACEHOLDER, " ".join(hashes)))
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(new_html)
    print(f"csp-hash: {path}: script-src now allows {len(hashes)} inline script(s): {' '.join(hashes)}")


def check(path: str) -> None:
    try:
        with open(path, encoding="utf-8", newline="") as f:
            html = f.read()
    except OSError as err:
        fail(f"cannot read {path}: {err}")
    metas = csp_metas(html)
    if not metas:
        fail(f"no Content-Security-Policy meta tag in {path}")
    csp = " ".join(metas)
    if PLACEHOLDER in csp:
        fail(f"{path} still has the placeholder {PLACEHOLDER}; the post_build hook did not run")
    hashes = inline_script_hashes(html)
    if not hashes:
        fail(f"no inline <script> found in {path}")
    missing = [h for h in hashes if h not in csp]
    if missing:
        fail(f"inline script hash(es) missing from the CSP of {path}: {' '.join(missing)}")
    print(f"csp-hash: {path}: OK, all {len(hashes)} inline script(s) are allowed by hash")


def main(argv: list) -> None:
    if argv[:1] == ["--check"]:
        if len(argv) != 2:
            fail("usage: csp-hash.py --check FILE.html")
        check(argv[1])
        return
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        fail("usage: csp-hash.py [FILE.html] | --check FILE.html")
    if argv:
        path = argv[0]
    else:
        staging = os.environ.get("TRUNK_STAGING_DIR")
        if not staging:
            fail("TRUNK_STAGING_DIR is not set (run as a Trunk post_build hook, or pass a file)")
        path = os.path.join(staging, "index.html")  # Trunk's [build] html_output, default index.html
    fill(path)


if __name__ == "__main__":
    main(sys.argv[1:])
