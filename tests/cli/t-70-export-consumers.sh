#!/bin/sh
# export: its output is accepted by the tools it is for. The Kubernetes
# snippet parses as YAML and its securityContext validates against the
# Kubernetes OpenAPI definitions of PodSecurityContext and Sysctl (an
# excerpt in tests/fixtures/kubernetes, with its provenance), as published
# and strict (no other fields); the docker options split into --sysctl
# KEY=VALUE words for per-netns keys only; the Ansible tasks pass
# `ansible-playbook --syntax-check` and a --check run of
# ansible.posix.sysctl on localhost, writing to a file under mktemp (check
# mode writes nothing anyway). A forged wrong input must fail each check.
# Consumers that are missing are skipped: exit 77 after the others ran.
cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fx=tests/fixtures/profiles/export
profiles="$fx/mixed.yaml $fx/netns.yaml baseline nginx proxy crawler hardening bbr"
missing=

if python3 -c 'import yaml, jsonschema' 2>/dev/null; then
	for p in $profiles; do
		for v in 1.11 1.22 1.32; do
			$TCPADVISE export --profile "$p" --format kubernetes \
			    --kubernetes-version "$v" >"$tmp/k8s.yaml" ||
			    fail "export $p kubernetes $v: exit $?"
			python3 - tests/fixtures/kubernetes/podsecuritycontext-sysctls.json \
			    "$tmp/k8s.yaml" <<'PY' || fail "$p for Kubernetes $v: schema check"
import copy, json, sys
import jsonschema, yaml
defs = json.load(open(sys.argv[1]))["definitions"]
doc = yaml.safe_load(open(sys.argv[2]))
assert isinstance(doc, dict) and list(doc) == ["securityContext"], doc
def check(d, instance):
    schema = {"$ref": "#/definitions/io.k8s.api.core.v1.PodSecurityContext",
              "definitions": d}
    jsonschema.validate(instance, schema)
strict = copy.deepcopy(defs)
for d in strict.values():
    d["additionalProperties"] = False
check(defs, doc["securityContext"])
check(strict, doc["securityContext"])
# The check is real: a value that is a number, or a missing value, fails.
for bad in ({"sysctls": [{"name": "net.core.somaxconn", "value": 4096}]},
            {"sysctls": [{"name": "net.core.somaxconn"}]}):
    try:
        check(defs, bad)
    except jsonschema.ValidationError:
        continue
    sys.exit("forged securityContext passed: %r" % bad)
PY
		done
	done
	# Only per-netns keys in the pod; the global one in a comment.
	$TCPADVISE export --profile "$fx/mixed.yaml" --format kubernetes >"$tmp/k8s.yaml"
	python3 - "$tmp/k8s.yaml" <<'PY' || fail "mixed: wrong keys in securityContext.sysctls"
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
names = [s["name"] for s in doc["securityContext"]["sysctls"]]
assert names == ["net.core.somaxconn", "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_slow_start_after_idle"], names
assert "#   net.core.netdev_max_backlog = 4096\n" in open(sys.argv[1]).read()
PY
else
	missing="$missing python3-yaml/python3-jsonschema"
fi

# docker: every line that is not a comment is one --sysctl KEY=VALUE
# option (after shell word splitting) of a per-netns key.
for p in $profiles; do
	$TCPADVISE export --profile "$p" --format docker >"$tmp/docker" ||
	    fail "export $p docker: exit $?"
	grep -v '^#' "$tmp/docker" | while read -r line; do
		eval "set -- $line"
		[ $# = 2 ] && [ "$1" = --sysctl ] && case $2 in *=*) ;; *) false ;; esac ||
		    echo "bad option line: $line"
	done >"$tmp/bad"
	[ -s "$tmp/bad" ] && fail "$p docker: $(cat "$tmp/bad")"
done
grep -q '^--sysctl net.core.netdev_max_backlog' "$tmp/docker" &&
    fail "docker: a global key as an option"

# Ansible refuses a locale that is not UTF-8 (run.sh sets LC_ALL=C).
if command -v ansible-playbook >/dev/null 2>&1 &&
    LC_ALL=C.UTF-8 ansible-doc ansible.posix.sysctl >/dev/null 2>&1; then
	export LC_ALL=C.UTF-8 HOME="$tmp" ANSIBLE_LOCAL_TEMP="$tmp/ansible-local" \
	    ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0
	cat >"$tmp/play.yml" <<'YML'
- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - ansible.builtin.import_tasks: tasks.yml
YML
	for p in $profiles; do
		$TCPADVISE export --profile "$p" --format ansible \
		    --file "$tmp/ansible.conf" >"$tmp/tasks.yml" ||
		    fail "export $p ansible: exit $?"
		ansible-playbook -i localhost, --syntax-check "$tmp/play.yml" \
		    >"$tmp/ansible.out" 2>&1 ||
		    fail "$p: ansible-playbook --syntax-check: $(tail -5 "$tmp/ansible.out")"
	done
	# One run of the module in check mode: its arguments are validated.
	$TCPADVISE export --profile "$fx/mixed.yaml" --format ansible \
	    --file "$tmp/ansible.conf" >"$tmp/tasks.yml"
	ansible-playbook -i localhost, --check "$tmp/play.yml" >"$tmp/ansible.out" 2>&1 ||
	    fail "ansible-playbook --check: $(tail -15 "$tmp/ansible.out")"
	grep -q 'changed=6 ' "$tmp/ansible.out" ||
	    fail "ansible --check: not 6 changes: $(tail -3 "$tmp/ansible.out")"
	[ -e "$tmp/ansible.conf" ] && fail "ansible --check wrote its sysctl_file"
	# The check is real: an unknown module or parameter fails it.
	sed 's/ansible.posix.sysctl:/ansible.posix.sysctlx:/' "$tmp/tasks.yml" >"$tmp/t2"
	mv "$tmp/t2" "$tmp/tasks.yml"
	ansible-playbook -i localhost, --syntax-check "$tmp/play.yml" >/dev/null 2>&1 &&
	    fail "ansible-playbook --syntax-check accepted an unknown module"
else
	missing="$missing ansible.posix (Debian package ansible)"
fi

[ "$failures" -eq 0 ] && [ -n "$missing" ] && echo "SKIP: not installed:$missing" &&
    exit 77
finish
