import BranchbookCore
import CoreLocation
import SwiftUI
import UIKit

/// One question of the page: its label (with the required mark), hint, the input its kind
/// needs, and the core's error for it. Read-only questions show their value.
@MainActor
struct QuestionView: View {
    @EnvironmentObject private var app: AppModel
    let question: Question
    @ObservedObject var model: SurveyModel

    var body: some View {
        Section {
            VStack(alignment: .leading, spacing: 8) {
                label
                if let media = question.media {
                    LabelMediaView(media: media, model: model)
                }
                if let hint = question.hint {
                    Text(hint).font(.callout).foregroundColor(.secondary)
                }
                if question.readOnly {
                    Text(answerText(question: question, language: app.language))
                } else {
                    input
                }
                if let error = model.refused[question.path]?.message ?? question.error {
                    Text(error).foregroundColor(.red).font(.callout)
                }
            }
        }
    }

    private var label: some View {
        HStack(alignment: .firstTextBaseline, spacing: 2) {
            if question.required {
                Text(app.t(.formRequiredMark)).foregroundColor(.red)
            }
            Text(question.label).font(.headline)
        }
    }

    @ViewBuilder
    private var input: some View {
        switch question.kind {
        case .text, .integer, .decimal:
            TypedAnswer(question: question, model: model)
        case .barcode:
            BarcodeAnswer(question: question, model: model)
        case .selectOne:
            SelectOneAnswer(question: question, model: model)
        case .selectMultiple:
            SelectMultipleAnswer(question: question, model: model)
        case .rank:
            RankAnswer(question: question, model: model)
        case .date, .time, .dateTime:
            DateAnswer(question: question, model: model)
        case .geopoint:
            LocationAnswer(question: question, model: model)
        case .geotrace, .geoshape:
            LineAnswer(question: question, model: model)
        case .image:
            PhotoAnswer(question: question, model: model)
        case .audio, .video:
            RecordingAnswer(question: question, model: model)
        case .note:
            EmptyView()
        case .acknowledge:
            Toggle(app.t(.formAcknowledge), isOn: Binding(
                get: { question.value == .acknowledged },
                set: { confirmed in
                    let path = question.path
                    Task { await model.set(path, confirmed ? .acknowledged : nil) }
                }
            ))
        }
    }
}

/// A button that removes the answer.
@MainActor
struct ClearButton: View {
    @EnvironmentObject private var app: AppModel
    let question: Question
    @ObservedObject var model: SurveyModel

    var body: some View {
        if question.value != nil {
            Button(app.t(.formClearAnswer), role: .destructive) {
                let path = question.path
                Task { await model.clear(path) }
            }
            .font(.caption)
        }
    }
}

/// Free text, or a number with the number keyboard. Every change goes to the core as
/// typed (it reads numbers with a decimal comma, and refuses what is not one); the box
/// starts with the answer as the core writes it.
@MainActor
struct TypedAnswer: View {
    @EnvironmentObject private var app: AppModel
    let question: Question
    @ObservedObject var model: SurveyModel
    @State private var text = ""

    var body: some View {
        TextField("", text: $text, axis: multiline ? .vertical : .horizontal)
            .lineLimit(multiline ? 3...8 : 1...1)
            .keyboardType(question.kind == .integer ? .numberPad : question.kind == .decimal ? .decimalPad : .default)
            .onAppear { text = model.refused[question.path]?.text ?? answerText(question: question, language: app.language) }
            .onChange(of: text) { value in
                guard value != answerText(question: question, language: app.language) else {
                    return
                }
                let path = question.path
                Task { await model.type(path, value) }
            }
    }

    private var multiline: Bool {
        question.appearance?.contains("multiline") ?? false
    }
}

/// One choice: a list of choices to tap, or a menu with the `minimal` appearance.
@MainActor
struct SelectOneAnswer: View {
    @EnvironmentObject private var app: AppModel
    let question: Question
    @ObservedObject var model: SurveyModel

    var body: some View {
        if question.appearance?.contains("minimal") ?? false {
            Picker(app.t(.formChoose), selection: Binding(
                get: { AnswerText.choice(question.value) },
                set: { name in pick(name) }
            )) {
                Text(app.t(.formChoose)).tag(String?.none)
                ForEach(question.choices, id: \.name) { choice in
                    Text(choice.label).tag(Optional(choice.name))
                }
            }
        } else {
            ForEach(question.choices, id: \.name) { choice in
                Button {
                    pick(choice.name)
                } label: {
                    HStack {
                        Image(systemName: AnswerText.choice(question.value) == choice.name
                            ? "largecircle.fill.circle" : "circle")
                        ChoicePicture(choice: choice, model: model)
                        Text(choice.label)
                    }
                }
                .buttonStyle(.borderless)
            }
            ClearButton(question: question, model: model)
        }
    }

    private func pick(_ name: String?) {
        let path = question.path
        let answer: Answer? = name.map { chosen in .choice(name: chosen) }
        Task { await model.set(path, answer) }
    }
}

/// Several choices, each a checkbox.
@MainActor
struct SelectMultipleAnswer: View {
    let question: Question
    @ObservedObject var model: SurveyModel

    var body: some View {
        ForEach(question.choices, id: \.name) { choice in
            Toggle(isOn: Binding(
                get: { AnswerText.choices(question.value).contains(choice.name) },
                set: { chosen in toggle(choice.name, chosen) }
            )) {
                HStack {
                    ChoicePicture(choice: choice, model: model)
                    Text(choice.label)
                }
            }
        }
    }

    private func toggle(_ name: String, _ chosen: Bool) {
        guard chosen != AnswerText.choices(question.value).contains(name) else {
            return
        }
        let path = question.path
        Task { await model.toggle(path, name) }
    }
}

/// Every choice put in order: the core's rows (`rankView`) with ▲ ▼ buttons, and while it
/// is not ranked, the core's line and its keep button. Moves go to `moveRankItem`.
@MainActor
struct RankAnswer: View {
    @EnvironmentObject private var app: AppModel
    let question: Question
    @ObservedObject var model: SurveyModel

    var body: some View {
        let view = rankView(question: question, language: app.language)
        VStack(alignment: .leading, spacing: 6) {
            if let status = view.status {
                Text(status).font(.callout)
            }
            ForEach(Array(view.items.enumerated()), id: \.element.name) { place, item in
                HStack {
                    Text(item.text)
                    Spacer()
                    Button("▲") { move(place, place - 1) }
                        .disabled(!item.canMoveUp)
                        .accessibilityLabel(view.moveUp + ": " + item.text)
                        .frame(minWidth: 48, minHeight: 48)
                    Button("▼") { move(place, place + 1) }
                        .disabled(!item.canMoveDown)
                        .accessibilityLabel(view.moveDown + ": " + item.text)
                        .frame(minWidth: 48, minHeight: 48)
                }
                .buttonStyle(.bordered)
            }
            if let keep = view.keepOrder {
                Button(keep) { move(0, 0) }
            }
        }
    }

    private func move(_ from: Int, _ to: Int) {
        let path = question.path
        Task { await model.moveRank(path, from, to) }
    }
}

/// A date, a time of day or both: the picker starts on the core's fields
/// (`pickerStart`), and what she picks goes to the core as shown (`SurveySession.pick`).
@MainActor
struct DateAnswer: View {
    @EnvironmentObject private var app: AppModel
    let question: Question
    @ObservedObject var model: SurveyModel

    var body: some View {
        let start = PickerDate.date(pickerStart(question: question))
        if question.value != nil {
            DatePicker("", selection: Binding(get: { start }, set: { picked in save(picked) }),
                       displayedComponents: components)
                .labelsHidden()
            ClearButton(question: question, model: model)
        } else {
            Button(question.kind == .time ? app.t(.formPickTime) : app.t(.formPickDate)) {
                save(start)
            }
        }
    }

    private var components: DatePickerComponents {
        switch question.kind {
        case .date:
            return [.date]
        case .time:
            return [.hourAndMinute]
        default:
            return [.date, .hourAndMinute]
        }
    }

    private func save(_ picked: Date) {
        let path = question.path
        let fields = PickerDate.fields(picked)
        Task { await model.pick(path, fields) }
    }
}

/// A GPS position from CoreLocation: she starts it, watches the accuracy improve and
/// saves the best fix.
@MainActor
struct LocationAnswer: View {
    @EnvironmentObject private var app: AppModel
    let question: Question
    @ObservedObject var model: SurveyModel
    @StateObject private var reader = LocationReader()

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            if question.value != nil {
                Text(answerText(question: question, language: app.language))
            }
            FixPrompt(reader: reader, start: app.t(.formGetLocation), enabled: true) { fix in save(fix) }
            ClearButton(question: question, model: model)
        }
        .onDisappear { reader.stop() }
    }

    private func save(_ fix: CLLocation) {
        reader.stop()
        let point = LocationReader.point(fix)
        let path = question.path
        Task { await model.answer(path, .geopoint(value: point)) }
    }
}

/// A photo from the camera, shown as the core's thumbnail once stored.
@MainActor
struct PhotoAnswer: View {
    @EnvironmentObject private var app: AppModel
    let question: Question
    @ObservedObject var model: SurveyModel
    @State private var taking = false
    @State private var thumbnail: UIImage?

    var body: some View {
        VStack(alignment: .leading) {
            if let thumbnail {
                Image(uiImage: thumbnail).resizable().scaledToFit().frame(maxHeight: 160)
            }
            Button(question.value == nil ? app.t(.formTakePhoto) : app.t(.formRetakePhoto)) { taking = true }
            ClearButton(question: question, model: model)
        }
        .task(id: AnswerText.photo(question.value)) {
            thumbnail = nil
            if let sha256 = AnswerText.photo(question.value), let data = await model.thumbnail(sha256) {
                thumbnail = UIImage(data: data)
            }
        }
        .sheet(isPresented: $taking) {
            CameraPicker { picture in
                taking = false
                if let picture {
                    let path = question.path
                    Task { await model.attachPhoto(path, picture) }
                }
            }
            .ignoresSafeArea()
        }
    }
}
