# trustfix — run `make help` for the targets.
GO        ?= go
BIN       := bin/trustfix
FUZZTIME  ?= 3s
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

# Fuzz targets: package and function, run briefly by `make test`.
FUZZ := \
	./pkg/inventory:FuzzParse \
	./pkg/inventory/ansible:FuzzInventoryFile \
	./pkg/inventory:FuzzCLIFields \
	./pkg/sanitize:FuzzText \
	./pkg/secret:FuzzWriter \
	./pkg/advisory:FuzzCompare \
	./pkg/advisory:FuzzParse \
	./pkg/detect:FuzzParseVersion \
	./pkg/platform/iosxe:FuzzParseTrustpool \
	./pkg/platform/iosxr:FuzzParseTrustpool \
	./pkg/platform/asa:FuzzParseCertificates \
	./pkg/platform/asa:FuzzParseRunningCertificates \
	./pkg/platform/fxos:FuzzParseTrustpoints

.PHONY: help build test unit fuzz lint bench lab demo clean

help: ## show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## build bin/trustfix (stamped with the git revision: trustfix version)
	$(GO) build -buildvcs=auto -o $(BIN) ./cmd/trustfix

test: lint unit fuzz ## everything CI runs: lint, tests with -race, a short fuzz of each parser
	@echo "make test: OK (gofmt, go vet, staticcheck, go test -race ./..., deploy manifests, fuzzing)"

unit: ## go test -race ./..., and the Kubernetes manifests' test (deploy/, its own module)
	$(GO) test -race -count=1 ./...
	cd deploy && $(GO) test -count=1 ./...

fuzz: ## run each fuzz target for FUZZTIME (default 3s)
	@set -e; log=$$(mktemp); trap 'rm -f $$log' EXIT; for t in $(FUZZ); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$pkg $$fn"; \
		$(GO) test $$pkg -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) >$$log 2>&1 || { tail -40 $$log; exit 1; }; \
	done

lint: ## gofmt, go vet, staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	cd deploy && $(GO) vet ./... && $(GO) run $(STATICCHECK) ./...

bench: ## fleet benchmarks against large labs (numbers go in BENCHMARKS.md)
	$(GO) test ./bench/ -run '^$$' -bench . -benchtime 1x -timeout 30m -v

lab: build ## run the embedded lab in the foreground (Ctrl-C stops it)
	$(BIN) lab --inventory-out lab-inventory.yaml

demo: build ## the main job against the embedded lab: lab → plan → apply → report
	./scripts/demo.sh $(BIN)

clean: ## remove build output
	rm -rf bin
