# Sourced by tests/run.sh: a headless browser for the console's tests. Installs Debian's
# chromium and chromium-driver when chromedriver is missing, and makes the browser tests
# fail, not skip, without it (BRANCHBOOK_REQUIRE_BROWSER=1).

if ! command -v chromedriver >/dev/null 2>&1; then
    echo "== installing Chromium and ChromeDriver (Debian packages)"
    export DEBIAN_FRONTEND=noninteractive
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi
export BRANCHBOOK_REQUIRE_BROWSER=1
