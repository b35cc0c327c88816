import SwiftUI

extension View {
    /// Shows `message` in an alert while it is set; the button clears it.
    func errorAlert(_ message: Binding<String?>, button: String) -> some View {
        alert(
            message.wrappedValue ?? "",
            isPresented: Binding(
                get: { message.wrappedValue != nil },
                set: { shown in
                    if !shown {
                        message.wrappedValue = nil
                    }
                }
            )
        ) {
            Button(button) { message.wrappedValue = nil }
        }
    }
}
