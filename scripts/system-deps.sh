#!/usr/bin/env bash
# Debian packages the review sheet (审查单) and the redacted copy (区分处理) need:
#   - LibreOffice Writer, headless (docx → pdf; .doc/.wps/.rtf/.odt → docx): libreoffice-writer-nogui,
#     else libreoffice-writer
#   - LibreOffice Calc, headless (.ods and the .xls/.et xlrd cannot read → xlsx): libreoffice-calc-nogui,
#     else libreoffice-calc
#   - fonts-noto-cjk (Noto Serif/Sans CJK SC: the sheet's East-Asian font, same in docx and pdf)
#   - poppler-utils (pdftoppm: the tests render the sheet's pages to PNG)
#   - redis-server (the tests start their own on a loopback port for the RQ job queue; the service
#     uses Redis only when REDIS_URL is set, and never needs this machine's own redis service)
#   - chromium (the UI's browser tests: Playwright drives /usr/bin/chromium, it never downloads one)
#   - nodejs, npm (`make axe` installs the pinned axe-core the browser tests inject into every page)
#
#   scripts/system-deps.sh            # install what is missing (idempotent; apt-get update once, only when needed)
#   scripts/system-deps.sh --check    # only report what is missing (exit 1 if anything is)
#
# Non-interactive. Needs root (or sudo without a password) when something must be installed.
# Exits non-zero with a clear message when installation fails.
set -euo pipefail

CHECK_ONLY=0
case "${1:-}" in
    --check) CHECK_ONLY=1 ;;
    "") ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

say() { echo "system-deps: $*" >&2; }
die() { say "错误：$*"; exit 1; }

installed() {  # installed PACKAGE: is the Debian package installed?
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

have_soffice() { command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1; }
have_calc() { [ -e /usr/lib/libreoffice/program/libsclo.so ] || installed libreoffice-calc-nogui || installed libreoffice-calc; }
have_cjk_font() { installed fonts-noto-cjk || { command -v fc-list >/dev/null 2>&1 && fc-list | grep -q "Noto Serif CJK SC"; }; }
have_pdftoppm() { command -v pdftoppm >/dev/null 2>&1; }
have_redis() { command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ]; }
have_chromium() { [ -x /usr/bin/chromium ]; }
have_npm() { command -v npm >/dev/null 2>&1; }

missing=()
have_soffice || missing+=(libreoffice)
have_calc || missing+=(libreoffice-calc)
have_cjk_font || missing+=(fonts-noto-cjk)
have_pdftoppm || missing+=(poppler-utils)
have_redis || missing+=(redis-server)
have_chromium || missing+=(chromium)
have_npm || missing+=(nodejs npm)

if [ ${#missing[@]} -eq 0 ]; then
    say "已安装：LibreOffice（Writer、Calc）、fonts-noto-cjk、poppler-utils、redis-server、chromium、npm"
    exit 0
fi
if [ "$CHECK_ONLY" -eq 1 ]; then
    say "缺少：${missing[*]}（运行 scripts/system-deps.sh 安装）"
    exit 1
fi

command -v apt-get >/dev/null 2>&1 || die "缺少 ${missing[*]}，且本机没有 apt-get（不是 Debian/Ubuntu）：请手动安装"
if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    die "缺少 ${missing[*]}：需要 root 权限安装（sudo scripts/system-deps.sh）"
fi

export DEBIAN_FRONTEND=noninteractive
APT=("${SUDO[@]}" apt-get -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
UPDATED=0
apt_update_once() {
    if [ "$UPDATED" -eq 0 ]; then
        say "apt-get update ..."
        "${SUDO[@]}" apt-get update -q >&2 || die "apt-get update 失败"
        UPDATED=1
    fi
}
available() {  # available PACKAGE: does apt know a candidate for it?
    local candidate
    candidate=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')
    [ -n "$candidate" ] && [ "$candidate" != "(none)" ]
}

packages=()
pick_nogui() {  # pick_nogui PACKAGE: PACKAGE-nogui where apt has it, else PACKAGE
    available "$1-nogui" || available "$1" || apt_update_once
    if available "$1-nogui"; then
        packages+=("$1-nogui")
    elif available "$1"; then
        packages+=("$1")
    else
        die "apt 中找不到 $1-nogui 或 $1"
    fi
}
for item in "${missing[@]}"; do
    case "$item" in
        libreoffice) pick_nogui libreoffice-writer ;;
        libreoffice-calc) pick_nogui libreoffice-calc ;;
        *)
            available "$item" || apt_update_once
            available "$item" || die "apt 中找不到 $item"
            packages+=("$item") ;;
    esac
done

say "安装：${packages[*]}"
if ! "${APT[@]}" install --no-install-recommends "${packages[@]}" >&2; then
    # A stale package list is the usual cause: update once and try again.
    if [ "$UPDATED" -eq 0 ]; then
        apt_update_once
        "${APT[@]}" install --no-install-recommends "${packages[@]}" >&2 || die "apt-get install ${packages[*]} 失败"
    else
        die "apt-get install ${packages[*]} 失败"
    fi
fi

have_soffice || die "安装后仍找不到 soffice"
have_calc || die "安装后仍找不到 LibreOffice Calc"
have_cjk_font || die "安装后仍找不到 Noto CJK 字体"
have_pdftoppm || die "安装后仍找不到 pdftoppm"
have_redis || die "安装后仍找不到 redis-server"
have_chromium || die "安装后仍找不到 /usr/bin/chromium"
command -v fc-cache >/dev/null 2>&1 && fc-cache -f >/dev/null 2>&1 || true
say "完成"
