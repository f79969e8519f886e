import assert from "node:assert/strict";
import { imageVerdict, normaliseImage, type ImageRule } from "../../../infra/admission/image-rules";

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;
const options = { allowedRegistries: ["registry.example.com/", "registry.example.com:5000/team/", "docker.io/library/", "localhost:5001/"], requireDigest: false };
const rules = (image: string, requireDigest = false) => imageVerdict(image, { ...options, requireDigest }).violations.map((v) => v.rule);

describe("admission: imageVerdict (the rule the CrossGuard pack shares)", () => {
  it("normalises short Docker Hub names as the container runtime does, and nothing else", () => {
    assert.equal(normaliseImage("nginx"), "docker.io/library/nginx");
    assert.equal(normaliseImage("nginx:1.27"), "docker.io/library/nginx:1.27");
    assert.equal(normaliseImage(`nginx@${DIGEST}`), `docker.io/library/nginx@${DIGEST}`);
    assert.equal(normaliseImage("bitnami/redis:7"), "docker.io/bitnami/redis:7");
    assert.equal(normaliseImage("registry.example.com/a:1"), "registry.example.com/a:1");
    assert.equal(normaliseImage("localhost/a:1"), "localhost/a:1");
    assert.equal(normaliseImage("registry:5000/a:1"), "registry:5000/a:1");
    assert.equal(normaliseImage("Registry/a:1"), "Registry/a:1");
    // Docker Hub's other spellings are not rewritten: they match only if listed as such.
    assert.equal(normaliseImage("index.docker.io/library/nginx:1"), "index.docker.io/library/nginx:1");
  });

  const table: [string, ImageRule[], boolean?][] = [
    ["registry.example.com/shop/api:1.4.2", []],
    [`registry.example.com/shop/api@${DIGEST}`, []],
    [`registry.example.com/shop/api:1.4.2@${DIGEST}`, []],
    ["nginx:1.27.2", []],
    ["docker.io/library/nginx:1.27.2", []],
    ["registry.example.com:5000/team/db:15", []],
    ["localhost:5001/api:dev-3", []],
    ["nginx", ["floating-tag"]],
    ["nginx:latest", ["floating-tag"]],
    [`nginx:latest@${DIGEST}`, ["floating-tag"]],
    ["registry.example.com:5000/team/db", ["floating-tag"]],
    ["registry.example.com.evil.io/api:1", ["registry"]],
    ["registry.example.comx/api:1", ["registry"]],
    ["registry.example.com:5000/other/db:1", ["registry"]],
    ["registry.example.com:5000/teamx/db:1", ["registry"]],
    ["bitnami/redis:7.4", ["registry"]],
    ["docker.io/nginx:1", ["registry"]],
    ["registry.example.com/api@sha256:abc", ["reference", "floating-tag"]],
    [`registry.example.com/api@sha512:${"a".repeat(128)}`, ["reference", "floating-tag"]],
    ["", ["reference", "floating-tag"]],
    [" registry.example.com/api:1", ["reference", "registry"]],
    ["registry.example.com/API:1", ["reference"]],
    ["registry.example.com/api:1.4.2", ["digest"], true],
    [`registry.example.com/api@${DIGEST}`, [], true],
  ];
  for (const [image, expected, requireDigest] of table) {
    it(`${JSON.stringify(image)}${requireDigest ? " (digest required)" : ""}: ${expected.join(", ") || "allowed"}`, () => {
      assert.deepEqual(rules(image, requireDigest), expected);
      assert.equal(imageVerdict(image, { ...options, requireDigest: requireDigest ?? false }).allowed, expected.length === 0);
    });
  }

  it("says in each message which image and what would be valid", () => {
    const verdict = imageVerdict("quay.io/x/y", { ...options, requireDigest: true });
    assert.deepEqual(verdict.violations.map((v) => v.rule), ["registry", "floating-tag", "digest"]);
    assert.match(verdict.violations[0]!.message, /quay\.io\/x\/y is not from an allowed registry \(allowed: registry\.example\.com\/, /);
    assert.match(verdict.violations[2]!.message, /@sha256:<64 hex>/);
  });
});
