import Foundation
import Postgres

/// Suban's schema: one migration per change in `migrations/NNNN-name.sql`, never
/// edited once shipped. NNNN is the version; the file's first line
/// (`-- what it changes`) is the name recorded in `schema_migrations`.
public enum Schema {
    public static let migrator = Migrator(migrations: shipped)

    /// Shipped files, checked by the tests: a missing or misnamed file is a build defect, not an input error.
    static let shipped: [Migration] = {
        guard let folder = Bundle.module.url(forResource: "migrations", withExtension: nil),
              let files = try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil) else {
            fatalError("the migrations folder is missing from SubanStore's resources")
        }
        return files.filter { $0.pathExtension == "sql" }.sorted { $0.lastPathComponent < $1.lastPathComponent }.map { file in
            guard let version = Int(file.lastPathComponent.prefix(4)), let sql = try? String(contentsOf: file, encoding: .utf8),
                  let firstLine = sql.split(separator: "\n").first, firstLine.hasPrefix("-- ") else {
                fatalError("migration \(file.lastPathComponent) needs a NNNN- version prefix and a '-- name' first line")
            }
            return Migration(version: version, name: String(firstLine.dropFirst(3)), sql: sql)
        }
    }()
}
