// Shell run by the platform's Vault jobs. They talk to Vault's HTTP API with curl and jq, keep every
// credential in a memory-backed directory, and never print one: `set -x` is never on, and secret values
// travel in files (curl -d @file, -H @file), never on a command line.
import { BOOTSTRAP_STATE_CONFIGMAP as BOOTSTRAP_STATE } from "./manifests";
import { SNAPSHOT_ROLE } from "./policies";

/** Audit devices the platform owns carry this description prefix; others (an operator's) are never pruned. */
export const AUDIT_OWNER = "secure-platform:";

/** Where the reconciler finds its inputs in the pod. */
export const RECONCILER_INPUTS = { desired: "/desired/desired.json", databasePassword: "/database/password" } as const;

const RUNBOOK_DRIFT = 'docs/runbooks/vault-recovery.md, section "Configuration changed outside a deploy"';

/** Shared helpers: an API call that verifies Vault's certificate, and a wait for the API to answer. */
const PRELUDE = `set -eu
umask 077
cd /work
api() { curl -sS --fail-with-body --retry 5 --retry-all-errors --cacert /vault-ca/ca.crt "$@"; }
# A call whose answer is not needed; curl cannot retry into /dev/null (it truncates the output first).
quiet() { api -o response.out "$@"; rm -f response.out; }
wait_for_api() {
  i=0
  until quiet "$1/v1/sys/health?standbyok=true&sealedcode=200&uninitcode=200"; do
    i=$((i + 1))
    [ "$i" -lt 120 ] || { echo "Vault at $1 did not answer within 10 minutes" >&2; exit 1; }
    sleep 5
  done
}
`;

/**
 * Creates a private CA and the server certificate once, as the Secret vault-tls, and publishes the CA
 * (public) as the ConfigMap vault-ca. The CA key never leaves the pod's memory: renewal issues a new CA.
 */
export function tlsScript(args: { namespace: string; dnsNames: string[]; ipAddresses: string[]; validityDays: number }): string {
    const san = [...args.dnsNames.map((d) => `DNS:${d}`), ...args.ipAddresses.map((ip) => `IP:${ip}`)].join(",");
    return `set -eu
umask 077
cd /work
if kubectl -n ${args.namespace} get secret vault-tls -o name >/dev/null 2>&1; then
  echo "vault-tls exists; keeping it"
else
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days ${args.validityDays} \\
    -subj "/CN=Vault CA (${args.namespace})" -keyout ca.key -out ca.crt \\
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=vault.${args.namespace}.svc" \\
    -keyout tls.key -out tls.csr
  printf '%s\\n' "subjectAltName=${san}" "keyUsage=critical,digitalSignature,keyEncipherment" \\
    "extendedKeyUsage=serverAuth,clientAuth" "basicConstraints=critical,CA:FALSE" > server.ext
  openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days ${args.validityDays} \\
    -extfile server.ext -out tls.crt
  rm -f ca.key tls.csr
  kubectl -n ${args.namespace} create secret generic vault-tls --from-file=ca.crt --from-file=tls.crt --from-file=tls.key
  rm -f tls.key
  echo "vault-tls created"
fi
kubectl -n ${args.namespace} get secret vault-tls -o jsonpath='{.data.ca\\.crt}' | base64 -d > ca.pem
kubectl -n ${args.namespace} create configmap vault-ca --from-file=ca.crt=ca.pem --dry-run=client -o yaml | kubectl apply -f - >/dev/null
echo "vault-ca published"
`;
}

/**
 * Initialises Vault once, crash-safe. Progress is recorded in the ConfigMap vault-bootstrap-state
 * (initialising, stored, complete): before init it proves the job can write there and, on EKS, reach the
 * recovery secret; after init it retries storing the response until that succeeds (the response exists
 * only in this pod's memory); then, with the root token, it enables Kubernetes auth and the reconciler's
 * policy and role, revokes the root token and records completion. A Vault that is initialised without a
 * recorded completion is a failure with a runbook, never a silent success.
 */
export function bootstrapScript(unseal: "aws-kms" | "insecure-local-shamir"): string {
    const preflight = unseal === "aws-kms" ? `aws secretsmanager describe-secret --secret-id "$RECOVERY_SECRET_ID" >/dev/null` : `true`;
    // A fixed client request token makes every retry the same Secrets Manager version, never a second one.
    const store =
        unseal === "aws-kms"
            ? `aws secretsmanager put-secret-value --secret-id "$RECOVERY_SECRET_ID" --client-request-token "$request_token" --secret-string file:///work/init.json >/dev/null`
            : `kubectl -n "$NAMESPACE" create secret generic vault-init-insecure-local --from-file=init.json=/work/init.json >/dev/null`;
    const stored =
        unseal === "aws-kms"
            ? `echo "recovery keys and initial root token stored in Secrets Manager"`
            : `echo "INSECURE (local only): unseal key stored in the Secret vault-init-insecure-local"
jq '{key: .keys_base64[0]}' init.json > unseal.json
quiet -X PUT -d @unseal.json "$VAULT_ADDR/v1/sys/unseal"
rm -f unseal.json`;
    return `${PRELUDE}
RUNBOOK="docs/runbooks/vault-recovery.md"
state() { kubectl -n "$NAMESPACE" get configmap ${BOOTSTRAP_STATE} -o jsonpath='{.data.phase}' 2>/dev/null || true; }
record() {
  kubectl -n "$NAMESPACE" patch configmap ${BOOTSTRAP_STATE} --type merge -p "{\\"data\\":{\\"phase\\":\\"$1\\"}}" >/dev/null 2>&1 ||
    kubectl -n "$NAMESPACE" create configmap ${BOOTSTRAP_STATE} --from-literal=phase="$1" >/dev/null
}
wait_for_api "$VAULT_ADDR"
phase="$(state)"
if [ "$(api "$VAULT_ADDR/v1/sys/init" | jq -r .initialized)" = "true" ]; then
  if [ "$phase" = "complete" ]; then
    echo "Vault is initialised and its bootstrap completed; nothing to do"
    exit 0
  fi
  echo "Vault is initialised but its bootstrap did not complete (recorded phase: \${phase:-none}); this job cannot finish it. Follow $RUNBOOK, section \\"Bootstrap did not complete\\"." >&2
  exit 1
fi
# Before init: everything the stored response needs must already work, or nothing is initialised.
${preflight}
record initialising
request_token="$(cat /proc/sys/kernel/random/uuid)"
printf '%s' "$INIT_REQUEST" > body.json
api -X PUT -d @body.json "$VAULT_ADDR/v1/sys/init" > init.json
# The response exists only here: retry until it is stored, however long that takes (the job has no deadline).
attempt=1
until ${store}; do
  echo "storing the init response failed (attempt $attempt); retrying in 10 s. Do not delete this pod: it holds the only copy." >&2
  attempt=$((attempt + 1))
  sleep 10
done
record stored
${stored}
jq -j '"X-Vault-Token: " + .root_token' init.json > root.header
rm -f init.json
i=0
until quiet "$VAULT_ADDR/v1/sys/health"; do
  i=$((i + 1)); [ "$i" -lt 60 ] || { echo "Vault did not become active; follow $RUNBOOK" >&2; exit 1; }; sleep 5
done
# The login of the reconciler: Kubernetes auth, its policy and its role. It maintains all three from then on.
printf '%s' '{"type":"kubernetes","description":"service accounts of this cluster"}' > body.json
quiet -H @root.header -X POST -d @body.json "$VAULT_ADDR/v1/sys/auth/kubernetes"
printf '%s' "$RECONCILER" | jq '.authConfig' > body.json
quiet -H @root.header -X POST -d @body.json "$VAULT_ADDR/v1/auth/kubernetes/config"
printf '%s' "$RECONCILER" | jq '{policy: .policy}' > body.json
quiet -H @root.header -X PUT -d @body.json "$VAULT_ADDR/v1/sys/policies/acl/$RECONCILER_ROLE"
printf '%s' "$RECONCILER" | jq '.role' > body.json
quiet -H @root.header -X POST -d @body.json "$VAULT_ADDR/v1/auth/kubernetes/role/$RECONCILER_ROLE"
echo "reconciler login configured"
quiet -H @root.header -X POST "$VAULT_ADDR/v1/auth/token/revoke-self"
rm -f root.header body.json
record complete
echo "root token revoked; bootstrap complete"
`;
}

/**
 * Makes Vault match the desired state (the ConfigMap vault-desired-state): logs in with Kubernetes auth,
 * rewrites its own policy and role first (so they follow config), then audit devices, engines, policies,
 * roles, Transit keys and the database engine, each written only when Vault's copy differs; then deletes
 * what the platform owns but no longer declares. Prints what it changed, never a secret value.
 */
export function reconcileScript(): string {
    return `${PRELUDE}
D=${RECONCILER_INPUTS.desired}
changes=0
raw() { curl -sS --retry 5 --retry-all-errors --cacert /vault-ca/ca.crt -H @/work/token.header "$@"; }
# Prints the .data at a path, or null when nothing is there; any other answer fails the run.
read_path() {
  code="$(raw -o read.json -w '%{http_code}' "$VAULT_ADDR/v1/$1")"
  case "$code" in
    200) jq -c '.data' read.json ;;
    404) echo null ;;
    *) echo "reading $1 failed: HTTP $code" >&2; return 1 ;;
  esac
}
list_keys() {
  code="$(raw -o list.json -w '%{http_code}' "$VAULT_ADDR/v1/$1?list=true")"
  case "$code" in
    200) jq -r '.data.keys[]' list.json ;;
    404) ;;
    *) echo "listing $1 failed: HTTP $code" >&2; return 1 ;;
  esac
}
send() { quiet -H @/work/token.header -X "$1" "$VAULT_ADDR/v1/$2" \${3:+-d @"$3"}; changes=$((changes + 1)); }
# Writes $2 (a JSON file) to path $1 unless what Vault returns at $3 already has those values.
converge() {
  code="$(raw -o read.json -w '%{http_code}' "$VAULT_ADDR/v1/$3")"
  case "$code" in
    200)
      jq -e --slurpfile want "$2" '.data as $have | $have != null and ($want[0] | to_entries | all(.value == $have[.key]))' read.json >/dev/null && return 0
      if [ "\${4:-false}" = true ] && jq -e '.data != null' read.json >/dev/null; then
        echo "$1 exists with values that Vault cannot change in place (such as a Transit key type); refusing" >&2
        return 1
      fi ;;
    404) ;;
    *) echo "reading $3 failed: HTTP $code" >&2; return 1 ;;
  esac
  send POST "$1" "$2"
  echo "updated $1"
}
jq -n --arg role "$VAULT_ROLE" --rawfile jwt /var/run/secrets/vault/token '{role: $role, jwt: ($jwt | rtrimstr("\\n"))}' > login.json
api -X POST -d @login.json "$VAULT_ADDR/v1/auth/kubernetes/login" | jq -j '"X-Vault-Token: " + .auth.client_token' > token.header
rm -f login.json
trap 'quiet -H @/work/token.header -X POST "$VAULT_ADDR/v1/auth/token/revoke-self" 2>/dev/null || true; rm -f /work/token.header' EXIT

# Its own access first: a second run with a changed policy applies the change before using it.
jq '.reconciler | {policy}' "$D" > body.json
converge "sys/policies/acl/$VAULT_ROLE" body.json "sys/policies/acl/$VAULT_ROLE"
jq '.reconciler.role' "$D" > body.json
converge "auth/kubernetes/role/$VAULT_ROLE" body.json "auth/kubernetes/role/$VAULT_ROLE"
jq '.reconciler.authConfig' "$D" > body.json
converge auth/kubernetes/config body.json auth/kubernetes/config

# Audit devices: a changed device is disabled, then enabled again (Vault refuses two at one path).
audit="$(read_path sys/audit)"
jq -c '.audit[]' "$D" > items.jsonl
while read -r item; do
  path="$(printf '%s' "$item" | jq -r .path)"
  printf '%s' "$item" | jq '{type, description, options}' > body.json
  printf '%s' "$audit" | jq -e --arg p "$path/" --slurpfile w body.json '.[$p] // null | . != null and {type, description, options} == $w[0]' >/dev/null && continue
  if [ "$(printf '%s' "$audit" | jq --arg p "$path/" 'has($p)')" = true ]; then
    send DELETE "sys/audit/$path"
    echo "disabled audit device $path (changed)"
  fi
  send PUT "sys/audit/$path" body.json
  echo "enabled audit device $path"
done < items.jsonl
printf '%s' "$audit" | jq -r --arg owner "${AUDIT_OWNER}" --slurpfile d "$D" \\
  'to_entries[] | select((.value.description // "") | startswith($owner)) | .key | rtrimstr("/") | select(. as $p | $d[0].audit | map(.path) | index($p) | not)' > stale.txt
while read -r path; do send DELETE "sys/audit/$path"; echo "disabled audit device $path (no longer declared)"; done < stale.txt

# Engines: mounted or tuned, never unmounted (that destroys their data), never changed in type.
mounts="$(read_path sys/mounts)"
jq -c '.mounts[]' "$D" > items.jsonl
while read -r item; do
  path="$(printf '%s' "$item" | jq -r .path)"
  have="$(printf '%s' "$mounts" | jq -c --arg p "$path/" '.[$p] // null')"
  if [ "$have" = null ]; then
    printf '%s' "$item" | jq '{type, description, options}' > body.json
    send POST "sys/mounts/$path" body.json
    echo "mounted $path"
    continue
  fi
  want="$(printf '%s' "$item" | jq -r .type)"
  [ "$(printf '%s' "$have" | jq -r .type)" = "$want" ] || { echo "$path/ is mounted with another engine than $want; refusing to remount (data loss)" >&2; exit 1; }
  printf '%s' "$item" | jq '{description, options}' > body.json
  if ! printf '%s' "$have" | jq -e --slurpfile w body.json '.description == $w[0].description and ((.options // {}) | contains($w[0].options))' >/dev/null; then
    send POST "sys/mounts/$path/tune" body.json
    echo "tuned $path"
  fi
done < items.jsonl

# One jq for all the writes: each line assigns one write's path, source, immutability and body (@sh-quoted).
apply_writes() {
  path="" source="" immutable="" body=""
  jq -r "$1"' | @sh "path=\\(.path) source=\\(.read // .path) immutable=\\(.immutable // false) body=\\(.body | tojson)"' "$D" > writes.sh
  while read -r assignments; do
    eval "$assignments"
    printf '%s' "$body" > body.json
    converge "$path" body.json "$source" "$immutable"
  done < writes.sh
}
apply_writes '.writes[]'

# The database connection: created once with the administrator password, which Vault then rotates so
# that only Vault knows it; later writes omit the password, and Vault keeps the one it holds.
if [ "$(jq -r '.database != null' "$D")" = true ]; then
  name="$(jq -r .database.connection.name "$D")"
  jq '.database.connection.body' "$D" > body.json
  have="$(read_path "database/config/$name")"
  if [ "$have" = null ]; then
    jq --rawfile password ${RECONCILER_INPUTS.databasePassword} '. + {password: ($password | rtrimstr("\\n"))}' body.json > create.json
    send POST "database/config/$name" create.json
    rm -f create.json
    send POST "database/rotate-root/$name"
    echo "created database connection $name and rotated its root credential"
  elif ! printf '%s' "$have" | jq -e --slurpfile w body.json '{plugin_name, allowed_roles, verify_connection,
      connection_url: .connection_details.connection_url, username: .connection_details.username,
      password_authentication: .connection_details.password_authentication,
      root_rotation_statements: .root_credentials_rotate_statements} == $w[0]' >/dev/null; then
    send POST "database/config/$name" body.json
    echo "updated database connection $name"
  fi
  apply_writes '.database.writes[]'
fi

# What the platform owns but no longer declares.
jq -c '.prune[]' "$D" > prune.jsonl
list="" prefix="" deletion_allowed=""
while read -r rule; do
  eval "$(printf '%s' "$rule" | jq -r '@sh "list=\\(.list) prefix=\\(.prefix) deletion_allowed=\\(.deletionAllowed)"')"
  printf '%s' "$rule" | jq -r '.keep[]' > keep.txt
  list_keys "$list" > keys.txt
  while read -r key; do
    case "$key" in "$prefix"*) ;; *) continue ;; esac
    grep -Fxq -e "$key" keep.txt && continue
    if [ "$deletion_allowed" != true ]; then
      echo "kept $list/$key: no longer declared, but deletion is refused in this environment"
      continue
    fi
    case "$list" in
      */keys) printf '%s' '{"deletion_allowed":true}' > body.json; send POST "$list/$key/config" body.json ;;
    esac
    send DELETE "$list/$key"
    echo "removed $list/$key (no longer declared)"
  done < keys.txt
done < prune.jsonl
# What the platform does not manage is reported, never touched: policies, auth methods, audit devices.
unmanaged=0
list_keys sys/policies/acl > keys.txt
read_path sys/auth | jq -r 'keys[] | select(. != "kubernetes/" and . != "token/") | "auth method " + .' >> keys.txt
printf '%s' "$audit" | jq -r --arg owner "${AUDIT_OWNER}" 'to_entries[] | select((.value.description // "") | startswith($owner) | not) | "audit device " + .key' >> keys.txt
while read -r key; do
  case "$key" in root|default|service.*|"$VAULT_ROLE"|${SNAPSHOT_ROLE}) continue ;; esac
  echo "not managed by the platform: $key"
  unmanaged=$((unmanaged + 1))
done < keys.txt
rm -f body.json items.jsonl writes.sh prune.jsonl keep.txt keys.txt stale.txt read.json list.json
echo "reconciled: $changes change(s); $unmanaged object(s) not managed by the platform"
# The hourly run expects nothing to do: a change it had to make, or an object nobody declared, was made
# outside a deploy. It fails, so the Job's failure alerts (kube-prometheus-stack's KubeJobFailed).
if [ "$REPORT_DRIFT" = true ] && [ $((changes + unmanaged)) -gt 0 ]; then
  echo "Vault's configuration was changed outside a deploy (corrected above where the platform owns it); see ${RUNBOOK_DRIFT}" >&2
  exit 3
fi
`;
}

/** Local only: unseals every sealed server pod with the key the bootstrap job stored. */
export function unsealScript(replicas: number, namespace: string): string {
    const pods = Array.from({ length: replicas }, (_, i) => `https://vault-${i}.vault-internal.${namespace}.svc:8200`).join(" ");
    return `${PRELUDE}
[ -s /vault-init/init.json ] || { echo "no unseal key yet (Vault not initialised)"; exit 0; }
jq '{key: .keys_base64[0]}' /vault-init/init.json > unseal.json
for pod in ${pods}; do
  if [ "$(api "$pod/v1/sys/seal-status" | jq -r .sealed)" = "true" ]; then
    quiet -X PUT -d @unseal.json "$pod/v1/sys/unseal" && echo "unsealed $pod"
  fi
done
rm -f unseal.json
`;
}

/** Logs in with Kubernetes auth (role vault-snapshot), saves a Raft snapshot, uploads it, revokes the token. */
export function snapshotScript(target: "s3" | "volume"): string {
    const upload =
        target === "s3"
            ? `aws s3 cp "$file" "s3://$BUCKET/snapshots/$(basename "$file")" --sse aws:kms --sse-kms-key-id "$KMS_KEY_ARN" --only-show-errors
echo "snapshot uploaded to s3://$BUCKET/snapshots/$(basename "$file")"`
            : `cp "$file" /snapshots/
find /snapshots -name 'vault-*.snap' -mtime +"$RETENTION_DAYS" -delete
echo "snapshot saved to /snapshots/$(basename "$file")"`;
    return `${PRELUDE}
jq -n --arg role "$VAULT_ROLE" --rawfile jwt /var/run/secrets/vault/token '{role: $role, jwt: ($jwt | rtrimstr("\\n"))}' > login.json
api -X POST -d @login.json "$VAULT_ADDR/v1/auth/kubernetes/login" | jq -j '"X-Vault-Token: " + .auth.client_token' > token.header
rm -f login.json
file="/work/vault-$(date -u +%Y%m%dT%H%M%SZ).snap"
api -H @token.header -o "$file" "$VAULT_ADDR/v1/sys/storage/raft/snapshot"
[ -s "$file" ] || { echo "empty snapshot" >&2; exit 1; }
${upload}
quiet -H @token.header -X POST "$VAULT_ADDR/v1/auth/token/revoke-self"
rm -f token.header "$file"
`;
}
