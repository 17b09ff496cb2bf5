/// The engine's version, reported by `/healthz` and the CLI.
public enum Showrunner {
    /// Semantic version of the engine.
    public static let version = "0.1.0"
}
