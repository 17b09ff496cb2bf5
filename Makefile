# Showrunner: `make run` starts the server on the embedded default; `make test` runs every test.
SYSTEM_PACKAGES := liblua5.4-dev libsqlite3-dev libssl-dev lua-check pkg-config
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
DB ?= showrunner.sqlite
PORT ?= 8080
BIN := .build/debug/showrunner

.PHONY: deps build run test check-scripts bench openapi

deps:
	@dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1 || \
		($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(SYSTEM_PACKAGES))

build: deps
	swift build --build-tests

run: deps
	swift build --product showrunner
	$(BIN) demo seed --dev --db $(DB) --port $(PORT)
	$(BIN) serve --dev --db $(DB) --port $(PORT) --scripts Scripts

check-scripts: build
	$(BIN) scripts check Scripts
	$(BIN) scripts test Scripts
	$(BIN) scripts stubs --check --out Scripts
	cd Scripts && luacheck --no-color .

test: check-scripts
	swift test --skip-build

bench: deps
	bash benchmarks/run.sh

# docs/openapi.yaml is the one source; the server embeds a copy generated from it. Run this after
# editing the YAML (OpenAPITests fails while the copy differs).
OPENAPI_SWIFT := Sources/Host/Routes/OpenAPIDocument.swift
openapi:
	@{ echo '// Generated from docs/openapi.yaml by `make openapi`: edit the YAML, then run it.'; \
	   echo '// OpenAPITests fails while this copy differs from the YAML.'; \
	   echo ''; \
	   echo '/// The OpenAPI document served at `GET /openapi.yaml`.'; \
	   echo 'enum OpenAPIDocument {'; \
	   echo '    /// docs/openapi.yaml, byte for byte.'; \
	   echo '    static let text = #"""'; \
	   cat docs/openapi.yaml; \
	   echo ''; \
	   echo '"""#'; \
	   echo '}'; } > $(OPENAPI_SWIFT)
