#!/usr/bin/env bash
# What a large mail costs the server (Release build, SQLite): a mail of SIZE MiB (default
# 39) with a JPEG-like photo and a PDF (random bytes, base64 as mail clients send them)
# posted once to POST /api/v1/inbound/mail, as `redress mailgate` does. Prints the time it
# took, the server's RSS before and its peak (VmHWM) while taking it, and the peak as a
# multiple of the mail's size. Then the same for a mail one MiB over mail.max_message_bytes
# (read to its end, its beginning kept in the failed list). Usage:
#   bench/large_mail.sh [--smoke] [--out FILE] [SIZE_MIB]
#     --smoke  a 5 MiB mail, for CI;  --out  the JSON file (default bench/results/large-mail-DATE.json)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR source=lib.sh
source bench/lib.sh

size_mib=39 out=''
while (($#)); do
  case $1 in
    --smoke) size_mib=5 ;;
    --out) out=$2; shift ;;
    [0-9]*) size_mib=$1 ;;
    *) echo "usage: bench/large_mail.sh [--smoke] [--out FILE] [SIZE_MIB]" >&2; exit 2 ;;
  esac
  shift
done
out=${out:-bench/results/large-mail-$(date +%F).json}
mkdir -p "$(dirname "$out")"
build_release
make_workdir
db="sqlite:$work/large.db"
token=$(intake_token "$db")

# The mail: text, then two attachments sharing the size (a photo, a statement).
python3 - "$size_mib" "$work/mail.eml" "$work/over.eml" <<'PY'
import base64, os, sys
size = int(sys.argv[1]) << 20
def mail(path, total, mid):
    head = (f"From: Jane <jane@example.com>\r\nTo: support@desk.example\r\nSubject: Parcel crushed\r\n"
            f"Message-ID: <{mid}@bench>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
            "--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe photo and the statement are attached.\r\n")
    parts = []
    for name, ctype in (("parcel.jpg", "image/jpeg"), ("statement.pdf", "application/pdf")):
        parts.append((name, ctype))
    budget = total - len(head) - 400
    raw = os.urandom(budget * 3 // 4 * 76 // 78)  # base64 grows 4/3, plus a CRLF every 76
    out = [head]
    for i, (name, ctype) in enumerate(parts):
        b = base64.encodebytes(raw[i::2]).replace(b"\n", b"\r\n").decode()
        out.append(f"--B\r\nContent-Type: {ctype}\r\nContent-Disposition: attachment; filename={name}\r\n"
                   f"Content-Transfer-Encoding: base64\r\n\r\n{b}")
    out.append("--B--\r\n")
    open(path, "w").write("".join(out))
mail(sys.argv[2], size, "large")
mail(sys.argv[3], (40 << 20) + (1 << 20), "over")
PY

start_server --db "$db"
rss() { python3 bench/proc_probe.py rss "$server_pid" | awk -v f="$1" '{printf "%.1f", (f == "peak" ? $2 : $1) / 1024}'; }
post() {
  curl -s -o "$work/answer" -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $token" \
    -H 'Content-Type: message/rfc822' -H 'Expect:' --data-binary "@$1" "$url/api/v1/inbound/mail?source=mailgate"
}
sleep 1
echo 5 >"/proc/$server_pid/clear_refs"  # the peak from here on
before=$(rss now)
read -r status seconds < <(post "$work/mail.eml")
peak=$(rss peak)
bytes=$(stat -c %s "$work/mail.eml")
printf '%-44s %s\n' "mail" "$(awk -v b="$bytes" 'BEGIN {printf "%.1f MiB", b / 1048576}')"
printf '%-44s %s (%s s)\n' "answer" "$status" "$seconds"
printf '%-44s %s MiB\n' "RSS before" "$before"
printf '%-44s %s MiB\n' "peak RSS while taking it (VmHWM)" "$peak"
printf '%-44s %s\n' "peak over RSS before, per byte of mail" \
  "$(awk -v p="$peak" -v b="$before" -v s="$bytes" 'BEGIN {printf "%.2f", (p - b) * 1048576 / s}')"
[[ $status == 201 ]] || { cat "$work/answer" >&2; exit 1; }
printf '{"mail_bytes": %s, "seconds": %s, "rss_before_mib": %s, "peak_rss_mib": %s}\n' \
  "$bytes" "$seconds" "$before" "$peak" >"$out"

echo 5 >"/proc/$server_pid/clear_refs"
before=$(rss now)
read -r status seconds < <(post "$work/over.eml")
printf '%-44s %s (%s s): %s\n' "41 MiB mail (over the limit)" "$status" "$seconds" \
  "$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["error"]; print(e["fields"].get("mail"))' "$work/answer")"
printf '%-44s %s MiB\n' "peak RSS while refusing it (VmHWM)" "$(rss peak)"
[[ $status == 422 ]] || { cat "$work/answer" >&2; exit 1; }
