import ArgumentParser
import SubanCore
import SubanData
import SubanStore

/// Applies the schema and loads the shipped catalog and departments (missing rows only).
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply database migrations and seed the catalog.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let logger = options.logger(role: "migrate")
        let infrastructure = try options.infrastructure()
        let (applied, seeded) = try await infrastructure.postgres.withConnection { connection in
            let applied = try Schema.migrator.migrate(connection, logger: logger)
            let seeded = try connection.transaction {
                try CatalogStore.seed(catalog: ShippedData.shenzhen.catalog, departments: Departments.all, on: $0)
            }
            return (applied, seeded)
        }
        logger.info("migrated", metadata: ["applied": "\(applied)", "seeded_rows": "\(seeded)"])
        await infrastructure.shutdown()
    }
}
