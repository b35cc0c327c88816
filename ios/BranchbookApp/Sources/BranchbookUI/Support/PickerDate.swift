import BranchbookCore
import Foundation

/// The core's picker fields as the `Date` a SwiftUI `DatePicker` holds, and back. Both
/// directions read the phone's own calendar, the one the picker shows: the fields she sees
/// on the picker are the fields the core gets, and the core reads them on Vietnam's clock.
enum PickerDate {
    /// The `Date` a picker shows `fields` with.
    static func date(_ fields: PickerFields) -> Date {
        let parts = DateComponents(year: Int(fields.year), month: Int(fields.month), day: Int(fields.day),
                                   hour: Int(fields.hour), minute: Int(fields.minute))
        return Calendar.current.date(from: parts) ?? Date()
    }

    /// The fields of `picked` as the picker showed them.
    static func fields(_ picked: Date) -> PickerFields {
        let parts = Calendar.current.dateComponents([.year, .month, .day, .hour, .minute], from: picked)
        return PickerFields(year: Int32(parts.year ?? 0), month: UInt8(parts.month ?? 0), day: UInt8(parts.day ?? 0),
                            hour: UInt8(parts.hour ?? 0), minute: UInt8(parts.minute ?? 0))
    }
}
