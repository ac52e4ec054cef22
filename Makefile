# groupbot — `make demo` and `make test` set up everything they need.
SWIFT ?= swift
BIN := .build/debug/groupbot

.PHONY: deps build demo test bench bench-serve clean

# Installs the system libraries when missing (Debian/Ubuntu; needs root, as on CI).
deps:
	@pkg-config --exists libpcre2-8 2>/dev/null || { \
		echo "installing libpcre2-dev and pkg-config"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpcre2-dev pkg-config >/dev/null; }
	@python3 -c 'import yaml, jsonschema' 2>/dev/null || { \
		echo "installing PyYAML and jsonschema (the schema test's independent validator)"; \
		python3 -m pip install -q pyyaml jsonschema; }

build: deps
	$(SWIFT) build

# Pipes the example log through the example rules. The log is a recording, so the
# engine's clock follows its timestamps: delayed steps and schedules due before its
# last line show up too (the log ends with a tick for that).
demo: build
	$(BIN) check rules/
	$(BIN) run --rules rules/ --clock events --state memory < examples/demo.jsonl

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(BIN) check rules/
	$(BIN) test rules/

# Release build, then the shared peer workload (see docs/performance.md).
bench: deps
	$(SWIFT) build -c release
	bash Benchmarks/peers.sh

# Release build, then `groupbot serve` under wrk on loopback (see docs/performance.md).
bench-serve: deps
	$(SWIFT) build -c release
	bash Benchmarks/serve.sh

clean:
	rm -rf .build
