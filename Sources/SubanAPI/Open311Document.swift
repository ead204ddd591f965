import Foundation
import Hummingbird
import NIOCore
import SubanCore

/// An Open311 answer as a small ordered tree, rendered as JSON or as the spec's XML: the two
/// formats carry the same fields in the same order, so they are written once.
indirect enum Open311Document: Sendable {
    case text(String?)
    case number(Double?)
    case integer(Int)
    case bool(Bool)
    case object([(String, Open311Document)])
    /// A list whose items are `element`s in XML (`<services><service>…`).
    case list(element: String, [Open311Document])

    enum Format: String, Sendable {
        case json, xml

        var contentType: String { self == .json ? "application/json; charset=utf-8" : "text/xml; charset=utf-8" }

        /// The format a resource name ends with (`services.json`), and the name without it.
        static func split(_ resource: Substring) -> (name: Substring, format: Format)? {
            guard let dot = resource.lastIndex(of: "."), let format = Format(rawValue: String(resource[resource.index(after: dot)...])) else { return nil }
            return (resource[..<dot], format)
        }
    }

    func response(_ status: HTTPResponse.Status = .ok, format: Format, root: String) -> Response {
        let body = format == .json ? json() : #"<?xml version="1.0" encoding="utf-8"?>"# + xml(name: root)
        return Response(status: status, headers: [.contentType: format.contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    func json() -> String {
        switch self {
        case .text(nil), .number(nil): return "null"
        case .text(let text?): return JSONValue.string(text).serialized
        case .number(let number?): return number.isFinite ? "\(number)" : "null"
        case .integer(let integer): return String(integer)
        case .bool(let bool): return bool ? "true" : "false"
        case .object(let fields): return "{" + fields.map { JSONValue.string($0.0).serialized + ":" + $0.1.json() }.joined(separator: ",") + "}"
        case .list(_, let items): return "[" + items.map { $0.json() }.joined(separator: ",") + "]"
        }
    }

    func xml(name: String) -> String {
        switch self {
        case .text(nil), .number(nil): return "<\(name)></\(name)>"
        case .text(let text?): return "<\(name)>\(Self.escaped(text))</\(name)>"
        case .number(let number?): return "<\(name)>\(number.isFinite ? "\(number)" : "")</\(name)>"
        case .integer(let integer): return "<\(name)>\(integer)</\(name)>"
        case .bool(let bool): return "<\(name)>\(bool)</\(name)>"
        case .object(let fields): return "<\(name)>" + fields.map { $0.1.xml(name: $0.0) }.joined() + "</\(name)>"
        case .list(let element, let items): return "<\(name)>" + items.map { $0.xml(name: element) }.joined() + "</\(name)>"
        }
    }

    /// Text as XML character data; characters XML 1.0 cannot carry at all are dropped.
    static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// The spec's error answer: a list of `{code, description}`, in the request's format.
struct Open311Error: Error {
    var status: HTTPResponse.Status
    var descriptions: [String]

    init(_ status: HTTPResponse.Status, _ descriptions: [String]) {
        self.status = status
        self.descriptions = descriptions
    }

    func response(format: Open311Document.Format) -> Response {
        Open311Document.list(element: "error", descriptions.map {
            .object([("code", .integer(Int(status.code))), ("description", .text($0))])
        }).response(status, format: format, root: "errors")
    }
}
