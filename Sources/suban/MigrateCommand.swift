import ArgumentParser
import SubanCommand
import SubanCore
import SubanData
import SubanStore

/// Applies the schema, loads the shipped catalog and departments (missing rows only),
/// and, on a database with no active dispatch model, stores and activates the one
/// learnt from the shipped appeals, so dispatchers load a model instead of training one.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply database migrations and seed the catalog.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let logger = options.logger(role: "migrate")
        let infrastructure = try options.infrastructure()
        let (applied, seeded, model) = try await infrastructure.postgres.withConnection { connection in
            let applied = try Schema.migrator.migrate(connection, logger: logger)
            let seeded = try connection.transaction {
                try CatalogStore.seed(catalog: ShippedData.shenzhen.catalog, departments: Departments.all, on: $0)
            }
            var model: Int?
            if try ModelStore.current(on: connection).active == nil {
                let version = try ModelStore.insert(ShippedData.trainedModel.encoded(),
                                                    trainedOn: .object(["shipped": .number(Double(ShippedData.shenzhen.training.count))]),
                                                    report: .object(["source": .string("shipped data, stored by migrate")]), on: connection)
                try ModelStore.set(version, to: .active, on: connection)
                model = version
            }
            return (applied, seeded, model)
        }
        logger.info("migrated", metadata: ["applied": "\(applied)", "seeded_rows": "\(seeded)", "model": "\(model.map { "v\($0) stored" } ?? "kept")"])
        await infrastructure.shutdown()
    }
}
