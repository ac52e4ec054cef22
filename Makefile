# groupbot — `make demo` and `make test` set up everything they need.
SWIFT ?= swift
BIN := .build/debug/groupbot

.PHONY: deps build demo test bench bench-serve bench-console bench-community bench-growth bench-scale clean fuzz sanitize chaos chaos-quick live

# Installs the system libraries when missing (Debian/Ubuntu; needs root, as on CI).
deps:
	@pkg-config --exists libpcre2-8 zlib 2>/dev/null || { \
		echo "installing libpcre2-dev, zlib1g-dev and pkg-config"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpcre2-dev zlib1g-dev pkg-config >/dev/null; }
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
	@# Under CI a private PostgreSQL is installed when missing and started (Tests/postgres/start.sh):
	@# the store suites run on it too. Elsewhere those tests skip and say how to run them.
	GROUPBOT_TEST_POSTGRES=$$(sh Tests/postgres/start.sh) $(SWIFT) test --skip-build
	@# Three instances on one PostgreSQL, one killed with SIGKILL under load (docs/scaling.md).
	GROUPBOT_TEST_POSTGRES=$$(sh Tests/postgres/start.sh 2>/dev/null) python3 Tests/cluster/failover.py --binary $(BIN)
	$(BIN) check rules/
	$(BIN) test rules/
	python3 Tests/docs/tutorials.py $(BIN)
	python3 Tests/examples/wechat_bridge_contract.py $(BIN)
	python3 Tests/telegram/validate_fixtures.py --binary $(BIN)
	@# The live-platform tests against scripted OneBot and Bot API servers, side by side (a minute or so each).
	python3 Tests/live/onebot_live.py --binary $(BIN) & onebot=$$!; \
		python3 Tests/telegram/telegram_live.py --binary $(BIN) & telegram=$$!; \
		wait $$onebot && wait $$telegram
	@# The operators' console in a real headless Chromium (installs chromium, its driver and selenium when missing).
	bash Tests/console/setup.sh
	python3 Tests/console/console_browser.py --binary $(BIN)
	.build/debug/groupbot-fuzz Tests/Fuzz/corpus 1
	python3 Tests/chaos/serve_chaos.py --binary $(BIN) --quick
	@# The same five kill -9s with the state on PostgreSQL (when a server is at hand, as under CI).
	url=$$(sh Tests/postgres/start.sh 2>/dev/null); if [ -n "$$url" ]; then \
		python3 Tests/chaos/serve_chaos.py --binary $(BIN) --quick --postgres "$$url"; \
	else echo "serve chaos on PostgreSQL: skipped (no server; CI starts one)"; fi

# libFuzzer over each fuzz target (docs/security.md), FUZZ_SECONDS each; new inputs go to
# .build-fuzz/corpus, crashes to .build-fuzz/crash-*, the committed seeds stay as they are.
# lld links it: gold fails on the sanitizers' objects.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := wire batch onebot cqcode rules webhook telegram
fuzz: deps
	$(SWIFT) build --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING \
		-Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld --product groupbot-fuzz
	@for target in $(FUZZ_TARGETS); do \
		mkdir -p .build-fuzz/corpus/$$target; \
		echo "fuzzing $$target for $(FUZZ_SECONDS) s"; \
		GROUPBOT_FUZZ_TARGET=$$target .build-fuzz/debug/groupbot-fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
			-artifact_prefix=.build-fuzz/ \
			-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 .build-fuzz/corpus/$$target Tests/Fuzz/corpus/$$target || exit 1; \
	done

# The whole test suite under AddressSanitizer, then under ThreadSanitizer (own build folders).
sanitize: deps
	$(SWIFT) build --build-tests --scratch-path .build-asan --sanitize=address
	LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/sanitizers/lsan.supp \
		$(SWIFT) test --skip-build --scratch-path .build-asan --sanitize=address
	$(SWIFT) build --build-tests --scratch-path .build-tsan --sanitize=thread
	TSAN_OPTIONS=suppressions=$(CURDIR)/Tests/sanitizers/tsan.supp \
		$(SWIFT) test --skip-build --scratch-path .build-tsan --sanitize=thread

# Crash test of `groupbot serve`: the same seeded workload once undisturbed, once while
# serve is killed with SIGKILL (at least 100 times) and restarted on the same state file;
# fails when an action of the undisturbed run shows up in neither a response nor a
# callback of the killed one. A few minutes; chaos-quick (5 kills) takes seconds.
chaos: build
	python3 Tests/chaos/serve_chaos.py --binary $(BIN) --kills 100

chaos-quick: build
	python3 Tests/chaos/serve_chaos.py --binary $(BIN) --quick
	@# The same five kill -9s with the state on PostgreSQL (when a server is at hand, as under CI).
	url=$$(sh Tests/postgres/start.sh 2>/dev/null); if [ -n "$$url" ]; then \
		python3 Tests/chaos/serve_chaos.py --binary $(BIN) --quick --postgres "$$url"; \
	else echo "serve chaos on PostgreSQL: skipped (no server; CI starts one)"; fi

# Release build, then the shared peer workload (see docs/performance.md).
bench: deps
	$(SWIFT) build -c release
	bash Benchmarks/peers.sh

# Release build, then `groupbot serve` under wrk on loopback (see docs/performance.md).
bench-serve: deps
	$(SWIFT) build -c release
	bash Benchmarks/serve.sh

# The real workload, a brand's week in 1,000 groups: replay, run in memory and on a state
# file, stats; the table and a byte-for-byte check of the three runs (Benchmarks/community.sh).
bench-community: deps
	$(SWIFT) build -c release --product groupbot
	bash Benchmarks/community.sh

# Four weeks of the same brand on one state file, week by week: the file's size after each
# (Benchmarks/state-growth.sh; KEEP_DAYS=7 for a week of audit log).
bench-growth: deps
	$(SWIFT) build -c release --product groupbot
	bash Benchmarks/state-growth.sh

# One, two and three serve instances on one PostgreSQL: requests/s, p99 and the database's
# share (Benchmarks/scale.sh, docs/scaling.md).
bench-scale: deps
	$(SWIFT) build -c release --product groupbot
	bash Benchmarks/scale.sh

# The console overview with 1,000 groups and 90 days of figures (Benchmarks/console.sh).
bench-console: deps
	$(SWIFT) build -c release --product groupbot
	bash Benchmarks/console.sh

clean:
	rm -rf .build

# The live-platform tests alone: serve against a scripted OneBot implementation and a fake
# Telegram Bot API (pacing, DM fallback, outages, webhook and polling).
live: build
	python3 Tests/live/onebot_live.py --binary $(BIN)
	python3 Tests/telegram/telegram_live.py --binary $(BIN)
