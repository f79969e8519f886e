// Vault's TLS without a person: a private CA kept in a Secret, a short-lived server certificate renewed
// before it expires, CA rotation with an overlap during which clients trust the old and the new CA, and a
// sidecar that makes Vault load a renewed certificate (SIGHUP) and rotates the file audit log.

/** Lifetimes. The server certificate lives 90 days and is renewed 30 days before it ends. */
export const TLS_LIFETIMES = {
    serverDays: 90,
    serverRenewBeforeDays: 30,
    /** The CA lives five years; a successor is created a year before it ends... */
    caDays: 1825,
    caRenewBeforeDays: 365,
    /** ...and signs only after it has been in every client's bundle for 30 days. */
    caOverlapDays: 30,
} as const;

/** The renewal CronJob runs daily; a run that changes nothing costs a few API reads. */
export const TLS_RENEW_SCHEDULE = "17 3 * * *";
export const TLS_RENEW_CRONJOB = "vault-tls-renew";

/** Secret with the CA's key and certificate (and its successor during a rotation); only the TLS job reads it. */
export const CA_KEYPAIR_SECRET = "vault-ca-keypair";

const DAY = 86400;

export interface TlsScriptArgs {
    namespace: string;
    dnsNames: string[];
    ipAddresses: string[];
    /** Namespaces (besides Vault's) whose ConfigMap vault-ca receives the bundle. */
    bundleNamespaces: string[];
    serverSecret: string;
    caConfigMap: string;
}

/**
 * Issues, renews and rotates, idempotently (a run with nothing due writes nothing):
 * 1. the CA: created once; a successor ("next") is created when the CA has less than caRenewBeforeDays left,
 *    and takes over signing once it is caOverlapDays old; the retired CA stays trusted until it expires;
 * 2. the bundle (current, next and retired CAs) in the ConfigMap vault-ca of Vault's and the clients' namespaces;
 * 3. the server certificate: issued when absent, within serverRenewBeforeDays of its end, not signed by the
 *    signing CA, or for other names than configured.
 * Lifetimes come from the environment (the defaults above), so that a test can run the rotation in seconds.
 * A failed read of the API never counts as "absent": only NotFound does, so an outage cannot mint a new CA.
 */
export function tlsRenewScript(args: TlsScriptArgs): string {
    const san = [...args.dnsNames.map((d) => `DNS:${d}`), ...args.ipAddresses.map((ip) => `IP:${ip}`)].join(",");
    const L = TLS_LIFETIMES;
    return `set -eu
umask 077
cd /work
NS=${args.namespace}
SERVER_DAYS=\${SERVER_DAYS:-${L.serverDays}}
SERVER_RENEW_SECONDS=\${SERVER_RENEW_SECONDS:-${L.serverRenewBeforeDays * DAY}}
CA_DAYS=\${CA_DAYS:-${L.caDays}}
CA_RENEW_SECONDS=\${CA_RENEW_SECONDS:-${L.caRenewBeforeDays * DAY}}
CA_OVERLAP_SECONDS=\${CA_OVERLAP_SECONDS:-${L.caOverlapDays * DAY}}
SAN='${san}'
now=$(date +%s)

# exists KIND NAME: 0 if present, 1 if NotFound, and any other answer (the API is down, forbidden) stops the run.
exists() {
  if out=$(kubectl -n "$NS" get "$1" "$2" -o name 2>&1); then return 0; fi
  case "$out" in *NotFound*) return 1 ;; *) echo "reading $1/$2 failed: $out" >&2; exit 1 ;; esac
}
# read_key SECRET KEY FILE: the key's value, or an empty file when the Secret has no such key.
read_key() {
  kubectl -n "$NS" get secret "$1" -o "jsonpath={.data.$(printf '%s' "$2" | sed 's/\\./\\\\./g')}" > value.b64
  base64 -d < value.b64 > "$3"
  rm -f value.b64
}
# write_secret NAME KEY=FILE...: creates the Secret, or replaces its data; values travel in files only.
write_secret() {
  name=$1; shift
  if exists secret "$name"; then
    printf '{"data":{' > patch.json; sep=""
    for pair in "$@"; do
      printf '%s"%s":"%s"' "$sep" "\${pair%%=*}" "$(base64 -w0 < "\${pair#*=}")" >> patch.json; sep=","
    done
    printf '}}' >> patch.json
    kubectl -n "$NS" patch secret "$name" --type merge --patch-file patch.json >/dev/null
    rm -f patch.json
  else
    set -- $(for pair in "$@"; do printf -- '--from-file=%s ' "$pair"; done)
    kubectl -n "$NS" create secret generic "$name" "$@" >/dev/null
  fi
}
new_ca() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$CA_DAYS" \\
    -subj "/CN=Vault CA ($NS) $(date -u +%Y%m%dT%H%M%SZ)" -keyout "$1.key" -out "$1.crt" \\
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  echo "$now" > "$1.created"
}
# expires_within FILE SECONDS: the certificate ends within that time (or is missing).
expires_within() { [ ! -s "$1" ] || ! openssl x509 -in "$1" -noout -checkend "$2" >/dev/null; }

# 1. The CA, its successor and the retired CA.
ca_changed=no
if exists secret ${CA_KEYPAIR_SECRET}; then
  for k in ca.crt ca.key ca.created next.crt next.key next.created previous.crt; do read_key ${CA_KEYPAIR_SECRET} "$k" "$k"; done
else
  new_ca ca; : > next.crt; : > next.key; : > next.created; : > previous.crt; ca_changed=yes
  echo "CA created"
fi
if [ ! -s next.crt ] && expires_within ca.crt "$CA_RENEW_SECONDS"; then
  new_ca next; ca_changed=yes
  echo "successor CA created; it signs once it has been trusted for $CA_OVERLAP_SECONDS seconds"
fi
if [ -s next.crt ] && [ $((now - $(cat next.created))) -ge "$CA_OVERLAP_SECONDS" ]; then
  mv ca.crt previous.crt; mv next.crt ca.crt; mv next.key ca.key; mv next.created ca.created
  : > next.crt; : > next.key; : > next.created; ca_changed=yes
  echo "successor CA now signs; the retired CA stays trusted until it expires"
fi
if [ -s previous.crt ] && expires_within previous.crt 0; then : > previous.crt; ca_changed=yes; echo "retired CA expired and dropped"; fi
if [ "$ca_changed" = yes ]; then
  write_secret ${CA_KEYPAIR_SECRET} ca.crt=ca.crt ca.key=ca.key ca.created=ca.created \\
    next.crt=next.crt next.key=next.key next.created=next.created previous.crt=previous.crt
fi
rm -f ca.created next.key next.created

# 2. The bundle every client trusts: the signing CA, its successor and the retired CA.
cat ca.crt next.crt previous.crt > bundle.pem
for ns in "$NS" ${args.bundleNamespaces.join(" ")}; do
  kubectl -n "$ns" create configmap ${args.caConfigMap} --from-file=ca.crt=bundle.pem --dry-run=client -o yaml | kubectl -n "$ns" apply -f - >/dev/null
done

# 3. The server certificate.
reason=""
if ! exists secret ${args.serverSecret}; then reason="absent"
else
  read_key ${args.serverSecret} tls.crt current.crt
  if expires_within current.crt "$SERVER_RENEW_SECONDS"; then reason="due for renewal"
  elif ! openssl verify -CAfile ca.crt current.crt >/dev/null 2>&1; then reason="not signed by the signing CA"
  elif [ "$(openssl x509 -in current.crt -noout -ext subjectAltName | tail -n +2 | tr -d ' \\n' | sed 's/IPAddress:/IP:/g')" != "$SAN" ]; then reason="names changed"
  fi
fi
if [ -n "$reason" ]; then
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=vault.$NS.svc" -keyout tls.key -out tls.csr 2>/dev/null
  printf '%s\\n' "subjectAltName=$SAN" "keyUsage=critical,digitalSignature" \\
    "extendedKeyUsage=serverAuth,clientAuth" "basicConstraints=critical,CA:FALSE" > server.ext
  openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -set_serial "0x$(openssl rand -hex 16)" -days "$SERVER_DAYS" \\
    -extfile server.ext -out tls.crt 2>/dev/null
  write_secret ${args.serverSecret} tls.crt=tls.crt tls.key=tls.key ca.crt=bundle.pem
  echo "server certificate issued ($reason), valid $SERVER_DAYS days"
elif [ "$ca_changed" = yes ]; then
  # Vault's own copy of the bundle (Raft's leader_ca_cert_file) follows the CA.
  write_secret ${args.serverSecret} ca.crt=bundle.pem
  echo "server certificate kept; its bundle updated"
else
  echo "server certificate valid; nothing to do"
fi
rm -f ca.key tls.key tls.csr
`;
}

/** The audit log is rotated at this size, and this many rotated files are kept: together well inside the volume. */
export function auditRotation(volumeBytes: number): { maxBytes: number; keep: number } {
    const keep = 4;
    // The live file and `keep` rotated ones fill at most half the volume, so a burst between checks still fits.
    return { maxBytes: Math.floor(volumeBytes / 2 / (keep + 1)), keep };
}

/**
 * The reloader runs beside Vault, in its process namespace (shareProcessNamespace), as Vault's own user:
 * when the mounted certificate changes (the kubelet updates Secret volumes in place) or the audit log passes
 * its size, it sends Vault SIGHUP, which reloads the listener's certificate and reopens the audit file.
 */
export function reloaderScript(args: { certificate: string; auditLog: string; maxBytes: number; keep: number }): string {
    return `set -eu
sum() { sha256sum "${args.certificate}" 2>/dev/null | cut -d' ' -f1; }
last=$(sum)
while true; do
  sleep 30
  hup=""
  current=$(sum)
  if [ -n "$current" ] && [ "$current" != "$last" ]; then last=$current; hup="certificate changed"; fi
  if [ -f "${args.auditLog}" ] && [ "$(stat -c %s "${args.auditLog}")" -gt ${args.maxBytes} ]; then
    i=${args.keep}
    rm -f "${args.auditLog}.$i"
    while [ "$i" -gt 1 ]; do
      [ ! -f "${args.auditLog}.$((i - 1))" ] || mv "${args.auditLog}.$((i - 1))" "${args.auditLog}.$i"
      i=$((i - 1))
    done
    mv "${args.auditLog}" "${args.auditLog}.1"
    hup="\${hup:+$hup, }audit log rotated"
  fi
  if [ -n "$hup" ]; then
    pkill -HUP -x vault && echo "SIGHUP sent to Vault: $hup" || echo "no vault process to signal ($hup)" >&2
  fi
done
`;
}
