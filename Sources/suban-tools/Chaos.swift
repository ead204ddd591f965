import ArgumentParser

/// The two halves of `scripts/chaos.sh` that need Swift: the steady load, and the
/// check that nothing acknowledged was lost or doubled while the fleet was broken.
struct Chaos: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a fleet while it is being broken, then check nothing acknowledged was lost (scripts/chaos.sh).",
        subcommands: [ChaosLoad.self, ChaosCheck.self])
}
