"""How Debian's Chromium is launched here, for the browser tests and bench/mathml.py."""

# Debian's Chromium: Playwright's own browser builds cannot be downloaded on these machines.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    # The network is closed here; without these Chromium keeps trying to phone home.
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
