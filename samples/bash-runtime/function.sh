# The handler: echoes the event back with a greeting; logs go to stderr, as Lambda captures them.
handler() {
  local event="$1"
  echo "handling an event of ${#event} bytes" >&2
  printf '{"greeting":"hello from bash","event":%s}' "$event"
}
