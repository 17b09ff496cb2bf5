/// For each journal type, the declarations of one kind that handle it (`on.<type>`), in
/// declaration order, with their handler ids: built once per generation, so a journal entry
/// finds its handlers with one lookup instead of a set probe and a script lookup per script.
///
/// Public, with its lookup inlinable, so that the consumers in other modules call it
/// specialized for their definitions: a `package` generic is not specialized across modules
/// (found with `GenerationCache`, whose lookup every consumer called through the generic entry
/// point until it was made public, 2026-12-07).
public struct HandlerRoutes<Definition: Sendable>: Sendable {
    /// One handler of one declaration: a class, so that running an entry's handlers retains
    /// each route instead of copying its definition.
    public final class Route: Sendable {
        public let definition: Definition
        public let address: ScriptAddress
        public let handler: HandlerID

        init(definition: Definition, address: ScriptAddress, handler: HandlerID) {
            self.definition = definition
            self.address = address
            self.handler = handler
        }
    }

    @usableFromInline let byType: [String: [Route]]
    /// The journal types some declaration handles.
    package let types: Set<String>

    /// - Parameters: generation: where the handlers live; definitions: the kind's declarations
    ///   in the order they run; address: each one's script; handlers: each one's handler paths.
    package init(
        _ generation: ScriptGeneration, definitions: [Definition], address: (Definition) -> ScriptAddress,
        handlers: (Definition) -> Set<String>
    ) {
        var byType: [String: [Route]] = [:]
        for type in DeclarationSchemas.events {
            let path = "on.\(type)"
            for d in definitions where handlers(d).contains(path) {
                guard let id = generation.handler(address(d), path) else { continue }
                byType[type, default: []].append(Route(definition: d, address: address(d), handler: id))
            }
        }
        self.byType = byType
        types = Set(byType.keys)
    }

    /// The handlers of entries of `type` (none for a type no script handles).
    @inlinable
    public func routes(_ type: String) -> [Route] { byType[type] ?? [] }
}
