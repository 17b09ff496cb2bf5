@testable import EngineCore
import Testing
@testable import Engine

@Test func versionIsSet() { #expect(!Showrunner.version.isEmpty) }
