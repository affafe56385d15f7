#!/usr/bin/env bash
# Print the path of a Python >= 3.12 interpreter, or fail with a clear message.
# Order: $PYTHON, python3.13/python3.12/python3 on PATH, pyenv's installed versions, uv-managed ones.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
for name in python3.14 python3.13 python3.12 python3; do
  p=$(command -v "$name" 2>/dev/null) && candidates+=("$p")
done
root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
for p in $(ls -d "$root"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do candidates+=("$p"); done
if command -v uv >/dev/null 2>&1; then
  p=$(uv python find '>=3.12' 2>/dev/null) && candidates+=("$p")
fi
for c in "${candidates[@]}"; do
  if ok "$c"; then "$c" -c "import sys; print(sys.executable)"; exit 0; fi
done
echo "error: no Python >= 3.12 interpreter found. Install one (e.g. 'pyenv install 3.12'," >&2
echo "       'apt-get install python3.12', or 'uv python install 3.12') or set PYTHON=/path/to/python3.12." >&2
exit 1
