import BranchbookCore
import Foundation

/// The calendar the date and time pickers use: Gregorian, in Vietnam's zone (the core's
/// `vietnamUtcOffsetMinutes()`), so a
/// date or time she picks is the core's calendar date or time of day whatever the phone's
/// own settings, and instants show on Vietnam's clock.
enum VietnamClock {
    static let zone = TimeZone(secondsFromGMT: Int(vietnamUtcOffsetMinutes()) * 60) ?? .current
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }()

    /// The day `date` falls on in Vietnam.
    static func day(of date: Date) -> CalendarDate {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return CalendarDate(year: Int32(parts.year ?? 1970), month: UInt8(parts.month ?? 1), day: UInt8(parts.day ?? 1))
    }

    /// Noon of `day` in Vietnam, for a date picker.
    static func date(of day: CalendarDate) -> Date {
        let parts = DateComponents(year: Int(day.year), month: Int(day.month), day: Int(day.day), hour: 12)
        return calendar.date(from: parts) ?? Date()
    }

    /// The time of day of `date` in Vietnam.
    static func time(of date: Date) -> TimeOfDay {
        let parts = calendar.dateComponents([.hour, .minute, .second], from: date)
        return TimeOfDay(hour: UInt8(parts.hour ?? 0), minute: UInt8(parts.minute ?? 0), second: UInt8(parts.second ?? 0))
    }

    /// Today at `time` in Vietnam, for a time picker.
    static func date(of time: TimeOfDay) -> Date {
        var parts = calendar.dateComponents([.year, .month, .day], from: Date())
        parts.hour = Int(time.hour)
        parts.minute = Int(time.minute)
        parts.second = Int(time.second)
        return calendar.date(from: parts) ?? Date()
    }
}
