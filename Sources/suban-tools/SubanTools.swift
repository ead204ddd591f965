import ArgumentParser

/// The tools kept out of the production binary: load generation, chaos, the demo, the
/// development SMS/webhook sink and the dispatch evaluations.
@main
struct SubanTools: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suban-tools",
        abstract: "Suban's load, chaos, demo, development-sink and evaluation tools (the roles are in `suban`).",
        subcommands: [DevSink.self, Demo.self, Bench.self, Chaos.self, Evaluate.self]
    )
}
