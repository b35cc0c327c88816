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

extension View {
    /// The Save button of a form screen: runs `save`, which gives the saved record's id
    /// (nil when the core refused: the alert says why and the form stays); then the form
    /// closes, or gives way to the route `next` names for that id (a new record's screen).
    func saveToolbar(
        _ title: String,
        app: AppModel,
        save: @escaping () async -> String?,
        next: @escaping (String) -> Route?
    ) -> some View {
        toolbar {
            ToolbarItem(placement: .confirmationAction) {
                Button(title) {
                    Task {
                        guard let id = await save() else {
                            return
                        }
                        if let route = next(id) {
                            app.replace(with: route)
                        } else {
                            app.back()
                        }
                    }
                }
            }
        }
    }
}
