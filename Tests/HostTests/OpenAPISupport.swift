import Engine
import Foundation
import Hummingbird
@testable import Host

/// A minimal reader of the `paths:` section of `docs/openapi.yaml`, which keeps a regular layout:
/// each path a key indented two spaces (`  /v1/rooms/{room}:`), each of its methods a key
/// indented four (`    get:`). No YAML library needed for that.
enum OpenAPIPaths {
    /// The operation keys OpenAPI allows under a path.
    static let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]

    /// What the reader found: operations as `"METHOD /path"`, and lines of `paths:` it could not place.
    struct Reading: Equatable {
        var operations: Set<String> = []
        var strayLines: [String] = []
    }

    /// Reads every `METHOD /path` the document names.
    static func read(_ yaml: String) -> Reading {
        var reading = Reading()
        var inPaths = false
        var path: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let indent = line.prefix { $0 == " " }.count
            if indent == 0 {
                inPaths = trimmed == "paths:"
                path = nil
                continue
            }
            guard inPaths else { continue }
            if indent == 2 {
                guard let key = key(of: trimmed), key.hasPrefix("/") else {
                    reading.strayLines.append(line)
                    path = nil
                    continue
                }
                path = key
            } else if indent == 4 {
                guard let path, let key = key(of: trimmed), methods.contains(key) || key == "parameters" || key == "summary"
                    || key == "description" || key == "servers"
                else {
                    reading.strayLines.append(line)
                    continue
                }
                if methods.contains(key) { reading.operations.insert("\(key.uppercased()) \(path)") }
            }
        }
        return reading
    }

    /// The key of a `key:` or `key: value` line, unquoted; nil for anything else.
    private static func key(of line: String) -> String? {
        var key: Substring
        if let quote = line.first, quote == "'" || quote == "\"" {
            guard let end = line.dropFirst().firstIndex(of: quote) else { return nil }
            key = line[line.index(after: line.startIndex)..<end]
            guard line[line.index(after: end)...].hasPrefix(":") else { return nil }
        } else {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            key = line[..<colon]
            let rest = line[line.index(after: colon)...]
            guard rest.isEmpty || rest.hasPrefix(" ") else { return nil }
        }
        return key.isEmpty ? nil : String(key)
    }
}

/// The router `serve` builds: the built-in areas, the engine's areas and the realtime ones,
/// on a temporary database and scripts folder.
struct ServedRouter {
    let engineHost: EngineHost
    let router: Router<AppRequestContext>

    init() async throws {
        engineHost = try await EngineHost()
        let engine = engineHost.engine
        let realtime = try await Realtime.make(
            moderation: engine.moderationStore, journal: engine.journalStore, resolver: engine.resolver, signer: engineHost.host.signer, now: { testNow },
            metrics: engineHost.host.services.metricsFactory, bus: engine.bus, scripts: engine.scripts)
        var services = engineHost.host.services
        services.routeAreas.append(realtime.routes)
        router = buildRouter(engineHost.host.config, services: services)
    }

    /// Every registered route as `"METHOD /path"`, parameters written `{name}` as in OpenAPI.
    var operations: Set<String> {
        Set(router.routes.map { "\($0.method.rawValue) \($0.path)" })
    }

    func remove() { engineHost.folder.remove() }
}

/// The repository's root, found from this file's place in it (`Tests/HostTests/`).
func repositoryRoot(_ file: String = #filePath) -> URL {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// The property names of one schema of `components.schemas` in `docs/openapi.yaml`, which keeps a
/// regular layout: the schema a key indented four spaces (`    GiftReceipt:`), its properties keys
/// indented eight under `      properties:`.
enum OpenAPISchemaProperties {
    /// The properties of the schema `name` (empty when there is no such schema).
    static func read(_ yaml: String, schema name: String) -> Set<String> {
        var names: Set<String> = []
        var inSchema = false
        var inProperties = false
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let indent = line.prefix { $0 == " " }.count
            if indent <= 4 {
                inSchema = indent == 4 && trimmed == "\(name):"
                inProperties = false
            } else if inSchema, indent == 6 {
                inProperties = trimmed == "properties:"
            } else if inSchema, inProperties, indent == 8, let colon = trimmed.firstIndex(of: ":") {
                names.insert(String(trimmed[..<colon]))
            }
        }
        return names
    }
}
