extension StringProtocol {
    /// A text's length as the API contract's `maxLength` counts it: Unicode scalars, as JSON
    /// Schema counts code points. Every text limit checks this, not `count` (grapheme clusters),
    /// under which `"q🏻"` is one character and two scalars: a text the contract refuses would
    /// pass the check and then be answered against the contract's own schema.
    public var contractLength: Int { unicodeScalars.count }
}
