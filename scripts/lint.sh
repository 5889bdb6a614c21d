#!/usr/bin/env bash
# Rules the compiler cannot check, run by CTest (lint.*). Each prints what breaks it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

failed=0

# Every JSON the program reads goes through core/json_parse, which bounds the nesting:
# nlohmann's own parse builds any depth, and a deep enough value overflows the stack when
# it is copied or destroyed (issue 24). Tests may parse what the server wrote.
if hits=$(grep -rn --include='*.cc' --include='*.h' -E 'json::parse\(' src |
          grep -v -E '^src/core/json_parse\.cc:|_test\.cc:'); then
  echo "nlohmann::json::parse outside core/json_parse.cc (use redress::parse_json):" >&2
  echo "$hits" >&2
  failed=1
fi

exit "$failed"
