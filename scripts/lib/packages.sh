# The Debian packages the build and every test suite need (bookworm).
# postgresql-15 and its server headers are installed together so their
# minor versions match. clang and its runtime (libFuzzer, sanitizers; only
# recommended by clang, hence named) build the fuzz targets; clang-format
# checks the formatting (scripts/check-layout); Alembic and
# its driver run the interoperability suite and the benchmark.
MM_PACKAGES=(
  build-essential g++ make pkg-config ca-certificates util-linux
  postgresql-15 postgresql-server-dev-15 postgresql-client-15 libpq-dev
  nlohmann-json3-dev libcxxopts-dev libgtest-dev
  clang libclang-rt-14-dev clang-format jq
  python3 alembic python3-alembic python3-psycopg2 python3-sqlalchemy
)

# Installs those of MM_PACKAGES that are not installed: as root with
# apt-get; otherwise names them and returns 1.
install_missing_packages() {
  local missing=() package
  for package in "${MM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing missing packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "missing packages: ${missing[*]} (as root: apt-get install ${missing[*]})" >&2
    return 1
  fi
}
