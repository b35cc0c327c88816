package org.branchbook.app.screens

import android.widget.ImageView
import java.io.File
import java.time.Instant
import java.time.temporal.ChronoUnit
import org.branchbook.app.presenter.SendStatus
import org.branchbook.app.presenter.TestApp
import org.branchbook.app.presenter.Worker
import org.branchbook.app.screen.EnrollScreen
import org.branchbook.app.screen.FormPickerScreen
import org.branchbook.app.screen.GatheringNewScreen
import org.branchbook.app.screen.GatheringScreen
import org.branchbook.app.screen.GatheringsScreen
import org.branchbook.app.screen.HomeScreen
import org.branchbook.app.screen.HouseholdEditScreen
import org.branchbook.app.screen.HouseholdScreen
import org.branchbook.app.screen.HouseholdsScreen
import org.branchbook.app.screen.ScanScreen
import org.branchbook.app.screen.SendScreen
import org.branchbook.app.screen.SettingsScreen
import org.branchbook.app.screen.SurveyScreen
import uniffi.branchbook.core.Answer
import uniffi.branchbook.core.GatheringDetails
import uniffi.branchbook.core.GatheringKind
import uniffi.branchbook.core.GeoPoint
import uniffi.branchbook.core.HouseholdInput
import uniffi.branchbook.core.MemberInput
import uniffi.branchbook.core.Page
import uniffi.branchbook.core.QuestionKind
import uniffi.branchbook.core.RosterChange
import uniffi.branchbook.core.Sex
import uniffi.branchbook.core.SyncPhase
import uniffi.branchbook.core.TextKey
import uniffi.branchbook.core.UiLanguage
import uniffi.branchbook.core.WalkIn

/**
 * The screens and states she meets, in [language]: each from its real View class over
 * the real presenters and a real core on a fresh folder; data is put there through the
 * core (as earlier work or a server would have), the rest by tapping and typing.
 */
class Scenes(private val camera: Camera, private val language: UiLanguage) {
    /** The main screens only (enroll, home, households, the survey's first page and its date, time and decimal questions, send): for other phones and font sizes. */
    fun main() {
        enroll()
        home()
        households()
        survey(walk = false)
        kinds()
        send()
    }

    /** Draws them all. */
    fun all() {
        enroll()
        home()
        households()
        survey()
        kinds()
        ranking()
        walkedRoad()
        pictures()
        lists()
        repeats()
        gatherings()
        send()
        settings()
        // The survey with its labels in Hmong (the app's own words stay Vietnamese).
        if (language == UiLanguage.VI) {
            hmong()
            kinds(labels = "hmn")
            ranking(labels = "hmn")
            pictures(labels = "hmn")
        }
    }

    /** A new app on a fresh folder in [language] (with an account name unless [account] is null; sending on [sendWorker]). */
    private fun <T> app(account: String? = "lo.thi.mai", sendWorker: Worker = Worker.Inline, body: (TestApp) -> T): T = TestApp.with(account, sendWorker) { app ->
        app.language(language)
        body(app)
    }

    private fun enroll() = app(account = null) { app ->
        val phone = "Điện thoại của Mai"
        camera.shoot(app, "enroll", "empty", expect = { listOf(it[TextKey.ENROLL_TITLE], it[TextKey.ENROLL_SCAN_QR], it[TextKey.ENROLL_SUBMIT]) }) { ui, host ->
            EnrollScreen(ui, app.scope, phone, host)
        }
        // The built-in scanner's screen (the camera's preview draws nothing here).
        camera.shoot(app, "enroll", "scan-prompt", expect = { listOf(it[TextKey.ENROLL_SCAN_PROMPT], it[TextKey.ACTION_CANCEL]) }) { ui, _ ->
            ScanScreen(ui, app.scope.texts, android.view.TextureView(ui.context)) {}
        }
        camera.shoot(app, "enroll", "camera-refused", expect = { listOf(it[TextKey.ENROLL_CAMERA_DENIED]) }, act = { tap(it, app.scope.texts[TextKey.ENROLL_SCAN_QR]) }) { ui, host ->
            EnrollScreen(ui, app.scope, phone, host)
        }
        childRegisterServer().use { server ->
            val (address, _) = server.typedCode()
            camera.shoot(app, "enroll", "wrong-code", expect = { listOf(it[TextKey.ENROLL_CODE] + ": ") }, act = { root ->
                type(root, 0, address)
                type(root, 1, "WRONG-0000")
                tap(root, app.scope.texts[TextKey.ENROLL_SUBMIT])
            }) { ui, host -> EnrollScreen(ui, app.scope, phone, host) }
        }
    }

    private fun home() {
        app(account = null) { app ->
            camera.shoot(app, "home", "fresh", expect = { listOf(it[TextKey.HOME_VISIT_HOUSEHOLD], it[TextKey.HOME_SEND]) }) { ui, _ -> HomeScreen(ui, app.scope) }
        }
        app { app ->
            val form = app.importChildRegister()
            listOf("Lò Thị Mai", "Thào Thị Dợ", "Giàng Thị Sùng").forEach { mother ->
                app.core.startSurvey(form, null, null, null).use { it.setAnswer("mother", Answer.Text(mother)) }
            }
            // Two finished ones wait to be sent.
            listOf("Vàng Thị Dở", "Sùng Thị Mỷ").forEach { finishedRegister(app, it) }
            app.core.createGathering(GatheringDetails(GatheringKind.TRAINING, "Nuôi con khỏe, phòng chống suy dinh dưỡng", "Bản Phùng", Instant.parse("2025-06-12T01:30:00Z"), "", ""))
            camera.shoot(app, "home", "drafts-and-unsent", expect = { listOf(it[TextKey.FORM_RESUME], it[TextKey.GATHERING_OPEN], "Lò Thị Mai", "Thào Thị Dợ", it.format(TextKey.HOME_READY, "count" to 2)) }) { ui, _ ->
                HomeScreen(ui, app.scope)
            }
        }
    }

    private fun households() = app { app ->
        camera.shoot(app, "households", "empty", expect = { listOf(it[TextKey.HOUSEHOLDS_ADD]) }) { ui, _ -> HouseholdsScreen(ui, app.scope) }
        val thao = app.core.createHousehold(
            HouseholdInput(
                "Bản Phùng", "Đầu bản, cạnh trường", "Thào Thị Dợ",
                listOf(
                    MemberInput(null, "Giàng A Páo", Sex.MALE, 1978, "hmong", "chồng"),
                    MemberInput(null, "Giàng Thị Mỷ", Sex.FEMALE, 2012, "hmong", "con"),
                ),
                "",
            ),
        ).uuid
        app.core.createHousehold(HouseholdInput("Bản Phùng", "", "Giàng A Páo", emptyList(), ""))
        app.core.createHousehold(HouseholdInput("Lao Chải", "", "Đặng Thị Hoa", emptyList(), ""))
        camera.shoot(app, "households", "search-without-accents", expect = { listOf("Thào Thị Dợ") }, act = { type(it, 0, "thao thi do") }) { ui, _ -> HouseholdsScreen(ui, app.scope) }
        val form = app.importHouseholdSurvey()
        app.core.startSurvey(form, null, thao, null).close()
        camera.shoot(app, "household", "members-and-visit", expect = { listOf("Thào Thị Dợ", "Giàng Thị Mỷ") }) { ui, host -> HouseholdScreen(ui, app.scope, thao, host) }
        camera.shoot(app, "form-picker", "two-forms", expect = { listOf(it[TextKey.FORMS_TITLE]) }) { ui, _ ->
            app.importChildRegister()
            FormPickerScreen(ui, app.scope, thao)
        }
        camera.film(app, "household-edit", { ui, _ -> HouseholdEditScreen(ui, app.scope, null) }) {
            type(root, 0, "Bản Phùng")
            type(root, 1, "Vàng Thị Dở")
            tap(root, texts[TextKey.HOUSEHOLD_ADD_MEMBER])
            type(root, 4, "Vàng A Sình")
            type(root, 5, "1850")
            tap(root, texts[TextKey.ACTION_SAVE])
            // The core names the refused member by her place: "Năm sinh (1): ...".
            shot("member-error") { listOf(it[TextKey.MEMBER_BIRTH_YEAR] + " (1): ") }
        }
    }

    /** The household survey with an answer for every question, put in through the core, its labels in [labels]; [birthYear] of the head as typed. */
    private fun filledSurvey(app: TestApp, birthYear: String = "1978", labels: String = "vi"): String = app.core.startSurvey(app.importHouseholdSurvey(), null, null, labels).use { s ->
        val photo = app.cameraJpeg("house.jpg", 320, 240)
        repeat(60) {
            val screen = s.screen()
            if (screen.page is Page.End) return@use s.submissionId()
            // Answering one question can offer choices in another (a village list follows the commune): a few passes.
            repeat(3) {
                for (q in s.screen().questions.filter { it.kind != QuestionKind.NOTE && !it.readOnly && it.value == null }) {
                    when {
                        q.path == "head_birth_year" -> s.typeAnswer(q.path, birthYear)
                        q.path == "hh_size" -> s.typeAnswer(q.path, "3")
                        q.path.endsWith("marriage_age") -> s.typeAnswer(q.path, "19")
                        q.path.endsWith("birth_year") -> s.typeAnswer(q.path, "1985")
                        q.kind == QuestionKind.TEXT -> s.typeAnswer(q.path, if (q.path.endsWith("name")) "Thào Thị Dợ" else "Nhà sàn gỗ, mái ngói, gần suối")
                        q.kind == QuestionKind.INTEGER || q.kind == QuestionKind.DECIMAL -> s.typeAnswer(q.path, "2")
                        q.kind == QuestionKind.SELECT_ONE && q.choices.isNotEmpty() -> s.setAnswer(q.path, Answer.Choice(q.choices.first().name))
                        q.kind == QuestionKind.SELECT_MULTIPLE && q.choices.isNotEmpty() -> s.setAnswer(q.path, Answer.Choices(q.choices.take(2).map { it.name }))
                        q.kind == QuestionKind.GEOPOINT -> s.setAnswer(q.path, Answer.Geopoint(GeoPoint(22.6213, 103.6156, 1900.0, 6.4)))
                        q.kind == QuestionKind.IMAGE -> s.attachPhoto(q.path, photo.path)
                        q.kind == QuestionKind.ACKNOWLEDGE -> s.setAnswer(q.path, Answer.Acknowledged)
                    }
                }
            }
            // A head's birth year the form refuses stops the walk on its page.
            if (!s.next().moved) return@use s.submissionId()
        }
        s.submissionId()
    }

    private fun survey(walk: Boolean = true) = app { app ->
        val fresh = app.core.startSurvey(app.importHouseholdSurvey(), null, null, null).use { it.submissionId() }
        // The deliberate check that Vietnamese text reaches the View tree intact (stacked marks, ư ơ).
        val vietnamese = if (language == UiLanguage.VI) listOf("Chương trình") else emptyList()
        camera.shoot(app, "survey", "first-page", expect = { vietnamese + it[TextKey.FORM_NEXT] }) { ui, host -> SurveyScreen(ui, app.scope, fresh, host) }
        if (!walk) return@app
        // A filled survey, Next after Next to its end: a page is drawn when it shows a kind of
        // View (or a button) no earlier page showed, so each question kind is drawn once.
        val filled = filledSurvey(app)
        camera.film(app, "survey", { ui, host -> SurveyScreen(ui, app.scope, filled, host) }) {
            val seen = mutableSetOf<String>()
            walk { page ->
                val shape = descendants(root).filter { shown(it, root) }.map { v -> v.javaClass.simpleName + ((v as? android.widget.Button)?.let { " " + it.text } ?: "") }.toSet()
                if (!seen.containsAll(shape)) shot("page-%02d".format(page)) { listOf(it[TextKey.FORM_NEXT]) }
                seen += shape
            }
            shot("end") { listOf(it[TextKey.FORM_FINALIZE]) }
        }
        // A constraint refused on Next: the page stays, its error under the question.
        val refused = filledSurvey(app, birthYear = "1850")
        camera.film(app, "survey", { ui, host -> SurveyScreen(ui, app.scope, refused, host) }) {
            // It reopens on the page where the walk stopped, the head's page: Next is refused there.
            tap(root, texts[TextKey.FORM_NEXT])
            shot("constraint-error") { listOf(it[TextKey.FORM_NEXT]) }
        }
    }

    /** From the first page of the open survey to its end, Next after Next: [each] sees every page, numbered from 1. */
    private fun Camera.Film.walk(each: (Int) -> Unit) {
        // A draft reopens where it was left (its end): back to the first page.
        repeat(80) { tappable(root, texts[TextKey.FORM_BACK])?.takeIf { it.isEnabled }?.performClick() }
        var page = 1
        while (page <= 80) {
            each(page)
            val next = tappable(root, texts[TextKey.FORM_NEXT])?.takeIf { it.isEnabled } ?: break
            val before = textsOn(root)
            next.performClick()
            if (textsOn(root) == before) break
            page++
        }
    }

    /**
     * The household survey with its labels in Hmong: every page that shows a label of the
     * form's Hmong column (read from its source), numbered as in the Vietnamese walk.
     */
    private fun hmong() = app { app ->
        val rows = File(TestApp.repo, "core/forms/src/household_survey/survey.tsv").readLines().map { it.split('\t') }
        val column = rows.first().indexOf("label::Hmoob (hmn)")
        val hmong = rows.drop(1).mapNotNull { it.getOrNull(column)?.takeIf(String::isNotBlank) }.distinct()
        check(hmong.size >= 10) { "the household survey has only ${hmong.size} Hmong labels" }
        val filled = filledSurvey(app, labels = "hmn")
        camera.film(app, "survey", { ui, host -> SurveyScreen(ui, app.scope, filled, host) }, labels = "hmn") {
            val seen = mutableSetOf<String>()
            var pages = 0
            walk { page ->
                val onPage = textsOn(root)
                val shown = hmong.filter { label -> onPage.any { it.startsWith(label) } }
                if (!seen.containsAll(shown)) {
                    shot("page-%02d".format(page)) { shown }
                    pages++
                }
                seen += shown
            }
            check(pages >= 3) { "only $pages pages of the survey showed Hmong labels: $seen" }
        }
    }

    /**
     * The question kinds the household survey lacks (date, time, decimal), each on its page
     * of a small visit form, labelled in the app's language or in [labels]: she picks the
     * date and the time with the platform's pickers and types the weight with a comma.
     */
    private fun kinds(labels: String = language.name.lowercase()) = app { app ->
        val form = app.core.importFormJson(File(TestApp.repo, "android/app/src/screens/forms/mother_baby_visit.json").readText()).formId
        val id = app.core.startSurvey(form, null, null, labels).use { it.submissionId() }
        val words = VISIT_LABELS.getValue(labels)
        camera.film(app, "survey", { ui, host -> SurveyScreen(ui, app.scope, id, host) }, labels.takeIf { it == "hmn" }) {
            tap(root, texts[TextKey.FORM_PICK_DATE])
            shot("date") { listOf(words[0], it[TextKey.FORM_CLEAR_ANSWER]) }
            tap(root, texts[TextKey.FORM_NEXT])
            tap(root, texts[TextKey.FORM_PICK_TIME])
            shot("time") { listOf(words[1], "08:30") }
            tap(root, texts[TextKey.FORM_NEXT])
            type(root, 0, "3,2")
            shot("decimal") { listOf(words[2]) }
        }
    }

    /**
     * A rank question (the village's needs, most important first) labelled in the app's
     * language or in [labels]: first as offered, not yet ranked, then after she moved the
     * last need to the top with its ▲ (the form's start location taken as it opened).
     */
    private fun ranking(labels: String = language.name.lowercase()) = app { app ->
        val form = app.core.importFormJson(File(TestApp.repo, "core/tests/data/village_needs.json").readText()).formId
        val id = app.core.startSurvey(form, null, null, labels).use { it.submissionId() }
        val words = NEEDS_LABELS.getValue(labels)
        camera.film(app, "survey", { ui, host -> SurveyScreen(ui, app.scope, id, host) }, labels.takeIf { it == "hmn" }) {
            type(root, 0, "Bản Dền")
            tap(root, texts[TextKey.FORM_NEXT])
            shot("rank") { listOf(words[0], "1. ${words[1]}", "4. ${words[4]}", it[TextKey.FORM_RANK_KEEP]) }
            repeat(3) {
                val up = descendants(root).firstOrNull { v -> v.contentDescription?.toString()?.startsWith(texts[TextKey.FORM_RANK_UP]) == true && v.contentDescription.endsWith(words[4]) && v.isEnabled }
                    ?: error("no move-up button for ${words[4]}")
                check(up.performClick()) { "▲ did not take the tap" }
            }
            shot("rank-ranked") { listOf("1. ${words[4]}", "2. ${words[1]}") }
        }
    }

    /**
     * A road walked point by point (a geotrace, labelled in the app's language): its first
     * point taken earlier, so the widget says what it still needs, then a second one added
     * where the phone stands now, which completes the line with its length.
     */
    private fun walkedRoad() = app { app ->
        val form = app.core.importFormJson(File(TestApp.repo, "core/tests/data/village_paths.json").readText()).formId
        val labels = language.name.lowercase()
        val id = app.core.startSurvey(form, null, null, labels).use {
            it.addLinePoint("road", GeoPoint(22.6190, 103.6130, 1880.0, 5.0))
            it.submissionId()
        }
        val road = ROAD_LABELS.getValue(labels)
        camera.film(app, "survey", { ui, host -> SurveyScreen(ui, app.scope, id, host) }) {
            shot("line") { listOf(road, it[TextKey.FORM_LINE_ONE_POINT], it[TextKey.FORM_LINE_ADD_POINT]) }
            tap(root, texts[TextKey.FORM_LINE_ADD_POINT])
            shot("line-walked") { listOf(road, it[TextKey.FORM_LINE_REMOVE_LAST], it[TextKey.FORM_LINE_CLEAR]) }
        }
    }

    /**
     * Media labels, from a form copied onto the phone with its files, labelled in the app's
     * language or in [labels]: a question with its picture under the label and a picture
     * beside each choice, the picture opened full screen by a tap, and a note with its
     * recording's Listen button.
     */
    private fun pictures(labels: String = language.name.lowercase()) = app { app ->
        val form = app.importWaterSource()
        val id = app.core.startSurvey(form, null, null, labels).use { it.submissionId() }
        val words = WATER_LABELS.getValue(labels)
        camera.film(app, "survey", { ui, host -> SurveyScreen(ui, app.scope, id, host) }, labels.takeIf { it == "hmn" }) {
            shot("label-picture") { listOf(words[0], words[1]) }
            val picture = descendants(root).firstOrNull { it is ImageView && it.isClickable } ?: error("no picture to open")
            check(picture.performClick()) { "the picture did not take the tap" }
            shot("label-picture-full")
            val full = descendants(top).firstOrNull { it is ImageView && it.isClickable } ?: error("the picture did not open")
            check(full.performClick()) { "the full picture did not close on a tap" }
            tap(root, words[1])
            tap(root, texts[TextKey.FORM_NEXT])
            shot("label-audio") { listOf(words[2], it[TextKey.FORM_PLAY_AUDIO]) }
        }
    }

    /**
     * The survey's two lists, drawn as the dialogs they are: the jump list of a new visit
     * form, then, after she jumped past the required date to the end, the problems
     * Finalize lists.
     */
    private fun lists() = app { app ->
        val form = app.core.importFormJson(File(TestApp.repo, "android/app/src/screens/forms/mother_baby_visit.json").readText()).formId
        val id = app.core.startSurvey(form, null, null, language.name.lowercase()).use { it.submissionId() }
        val words = VISIT_LABELS.getValue(language.name.lowercase())
        camera.film(app, "survey", { ui, host -> SurveyScreen(ui, app.scope, id, host) }) {
            tap(root, texts[TextKey.FORM_JUMP_LIST])
            shot("jump-list") { listOf(it[TextKey.FORM_JUMP_LIST], words[2]) }
            pick(top, words[2])
            tap(root, texts[TextKey.FORM_NEXT])
            tap(root, texts[TextKey.FORM_FINALIZE])
            shot("finalize-problems") { listOf(words[0]) }
        }
    }

    private fun repeats() = app { app ->
        val form = app.importChildRegister()
        val id = app.core.startSurvey(form, null, null, null).use {
            it.setAnswer("mother", Answer.Text("Lò Thị Mai"))
            it.submissionId()
        }
        camera.film(app, "survey", { ui, host -> SurveyScreen(ui, app.scope, id, host) }) {
            tap(root, texts[TextKey.FORM_NEXT])
            shot("repeat-prompt") { listOf(it[TextKey.FORM_ADD_REPEAT]) }
            listOf("Lò Văn Hùng" to "9", "Lò Thị Hương" to "6", "Lò Thị Ngọc Ánh" to "25").forEachIndexed { n, (name, age) ->
                tap(root, texts[TextKey.FORM_ADD_REPEAT])
                type(root, 0, name)
                type(root, 1, age)
                if (n < 2) tap(root, texts[TextKey.FORM_NEXT])
            }
            shot("repeat-entry-3-age-error") { listOf("Lò Thị Ngọc Ánh", it[TextKey.FORM_REMOVE_REPEAT]) }
        }
    }

    private fun gatherings() = app { app ->
        camera.shoot(app, "gatherings", "empty", expect = { listOf(it[TextKey.GATHERING_NEW]) }) { ui, _ -> GatheringsScreen(ui, app.scope) }
        camera.shoot(app, "gathering-new", "topic-missing", expect = { listOf(it[TextKey.GATHERING_TOPIC] + ": ") }, act = { tap(it, app.scope.texts[TextKey.ACTION_SAVE]) }) { ui, host ->
            GatheringNewScreen(ui, app.scope, null, host)
        }
        // A roster of 40 women and men of five groups, all checked in.
        val groups = listOf("Mông", "Thái", "Dao", "Giáy", "Kinh")
        val family = listOf("Thào", "Lò", "Đặng", "Giàng", "Vàng", "Sùng", "Lý", "Hoàng")
        val given = listOf("Thị Dợ", "Thị Mai", "A Páo", "Thị Hoa", "Thị Sùng", "A Sử", "Thị Mỷ", "Văn Hùng")
        val csv = File(app.dir, "roster.csv")
        csv.writeText(
            "ho_ten,sex,birth_year,ethnicity,village\n" + (0 until 40).joinToString("") { i ->
                val name = "${family[i % family.size]} ${given[(i / family.size + i) % given.size]}"
                val sex = if (given[(i / family.size + i) % given.size].startsWith("A ") || given[(i / family.size + i) % given.size].startsWith("Văn")) "male" else "female"
                "$name,$sex,${1960 + i},${groups[i % groups.size]},Bản Phùng\n"
            },
        )
        app.core.importRosterCsv(csv.path, RosterChange.REPLACE)
        val g = app.core.createGathering(GatheringDetails(GatheringKind.POLICY_DIALOGUE, "Phòng chống tảo hôn và hôn nhân cận huyết thống", "Bản Phùng", Instant.now().minus(1, ChronoUnit.HOURS), "Lò Thị Mai", ""))
        app.core.listMembers(null, false, 0u, 100u).forEach { app.core.checkIn(g.uuid, it.id) }
        app.core.addWalkIn(g.uuid, WalkIn("Giàng Thị Súa", Sex.FEMALE, 1990, null, "hmong"))
        app.core.attachGatheringPhoto(g.uuid, app.cameraJpeg("evidence.jpg", 320, 240).path)
        camera.shoot(app, "gathering", "41-attendees", expect = { listOf(it[TextKey.GATHERING_TOTALS], it[TextKey.GATHERING_BY_ETHNICITY], "Giàng Thị Súa") }) { ui, host ->
            GatheringScreen(ui, app.scope, g.uuid, host)
        }
        // A woman who is not on the roster, added on the spot: the walk-in dialog, and Add before her age is known.
        camera.film(app, "gathering", { ui, host -> GatheringScreen(ui, app.scope, g.uuid, host) }) {
            tap(root, texts[TextKey.GATHERING_WALK_IN])
            shot("walk-in") { listOf(it[TextKey.WALK_IN_TITLE], it[TextKey.WALK_IN_NAME]) }
            type(top, 0, "Sùng Thị Mai")
            tap(top, texts[TextKey.WALK_IN_ADD])
            shot("walk-in-needs-age") { listOf(it[TextKey.WALK_IN_NEEDS_AGE]) }
        }
        camera.shoot(app, "gatherings", "one-open", expect = { listOf(it[TextKey.GATHERING_OPEN], "Phòng chống tảo hôn") }) { ui, _ -> GatheringsScreen(ui, app.scope) }
    }

    private fun send() {
        app(account = null) { app ->
            camera.shoot(app, "send", "not-enrolled", expect = { listOf(it[TextKey.ERROR_NOT_ENROLLED]) }) { ui, _ -> SendScreen(ui, app.scope) }
        }
        childRegisterServer().use { server ->
            app { app ->
                enrolled(app, server)
                finishedRegister(app, "Lò Thị Mai")
                val g = app.core.createGathering(GatheringDetails(GatheringKind.TRAINING, "Nuôi con khỏe", "Bản Dền", Instant.now().plus(2, ChronoUnit.DAYS), "", ""))
                app.core.addWalkIn(g.uuid, WalkIn("Giàng Thị Súa", Sex.FEMALE, 1990, null, "hmong"))
                app.core.closeGathering(g.uuid)
                camera.film(app, "send", { ui, _ -> SendScreen(ui, app.scope) }) {
                    shot("waiting") { listOf(it[TextKey.SEND_BUTTON]) }
                    tap(root, texts[TextKey.SEND_BUTTON])
                    shot("refused-by-server") { listOf(it[TextKey.SEND_AGAIN]) }
                }
            }
        }
        sending()
        childRegisterServer().use { server ->
            app { app ->
                enrolled(app, server)
                server.revoke(app.core.enrollment()!!.deviceId)
                camera.shoot(app, "send", "phone-revoked", expect = { listOf(it[TextKey.SEND_REVOKED]) }, act = { tap(it, app.scope.texts[TextKey.SEND_BUTTON]) }) { ui, _ -> SendScreen(ui, app.scope) }
            }
        }
    }

    /**
     * A real pass to a real server, caught on its own thread ([Relay]) while it sends the
     * second of a gathering's three photos (items and bytes), then drawn when it ended.
     */
    private fun sending() {
        val relay = Relay()
        childRegisterServer().use { server ->
            app(sendWorker = relay) { app ->
                enrolled(app, server)
                listOf("Lò Thị Mai", "Thào Thị Dợ", "Giàng Thị Sùng").forEach { finishedRegister(app, it) }
                val g = app.core.createGathering(GatheringDetails(GatheringKind.TRAINING, "Nuôi con khỏe", "Bản Dền", Instant.now().minus(1, ChronoUnit.HOURS), "", ""))
                app.core.addWalkIn(g.uuid, WalkIn("Giàng Thị Súa", Sex.FEMALE, 1990, null, "hmong"))
                // Three different photos (the same picture twice is stored once).
                listOf(1280 to 960, 1024 to 768, 800 to 600).forEachIndexed { n, (w, h) -> app.core.attachGatheringPhoto(g.uuid, app.cameraJpeg("evidence-$n.jpg", w, h).path) }
                app.core.closeGathering(g.uuid)
                val sender = app.scope.sender
                camera.film(app, "send", { ui, _ -> SendScreen(ui, app.scope) }) {
                    try {
                        tap(root, texts[TextKey.SEND_BUTTON])
                        relay.pump {
                            check(sender.running) { "the pass ended before its second photo: ${sender.status}" }
                            val step = (sender.status as? SendStatus.Running)?.progress
                            step != null && step.phase == SyncPhase.PUSHING_PHOTOS && step.itemsDone >= 1uL && step.bytesDone < step.bytesTotal
                        }
                        shot("in-progress") { listOf(it.format(TextKey.SEND_PHASE_PHOTOS, "done" to 1, "total" to 3), it[TextKey.SEND_STOP]) }
                    } finally {
                        // Whatever happened, the pass runs to its end before the app closes.
                        relay.pump { !sender.running }
                    }
                    shot("sent") { listOf(it[TextKey.SEND_BUTTON]) }
                }
            }
        }
    }

    private fun settings() = app { app ->
        app.importHouseholdSurvey()
        camera.shoot(app, "settings", "default", expect = { listOf(it[TextKey.SETTINGS_APP_LANGUAGE], it[TextKey.SETTINGS_ABOUT]) }) { ui, _ -> SettingsScreen(ui, app.scope) {} }
    }
}

/** The labels of the visit form's date, time and decimal questions, by label language. */
/** The rank question's label and its four needs in form order, in each label language of core/tests/data/village_needs.json. */
private val NEEDS_LABELS = mapOf(
    "vi" to listOf("Xếp các nhu cầu của thôn, quan trọng nhất trước", "Nước sạch", "Trường học", "Đường đi", "Trạm y tế"),
    "en" to listOf("Rank the village's needs, most important first", "Clean water", "School", "Road", "Health post"),
    "hmn" to listOf("Txheeb cov kev xav tau, qhov tseem ceeb tshaj ua ntej", "Dej huv", "Tsev kawm ntawv", "Txoj kev", "Chaw kho mob"),
)

/** The road question's label in each label language of core/tests/data/village_paths.json. */
private val ROAD_LABELS = mapOf("vi" to "Đường vào thôn", "en" to "The road into the village")

/** The picture question's label, its choice "well" and the note with a recording, in each label language of core/tests/data/water_source.json. */
private val WATER_LABELS = mapOf(
    "vi" to listOf("Nhà mình lấy nước ăn ở đâu?", "Giếng", "Nghe câu hỏi bằng tiếng Mông"),
    "en" to listOf("Where does your family get drinking water?", "Well", "Listen to the question in Hmong"),
    "hmn" to listOf("Koj tsev neeg nqa dej haus qhov twg?", "Qhov dej", "Mloog lo lus nug ua lus Hmoob"),
)

private val VISIT_LABELS = mapOf(
    "vi" to listOf("Ngày đến thăm", "Giờ đến thăm", "Cân nặng của bé (kg)"),
    "en" to listOf("Date of the visit", "Time of the visit", "Baby's weight (kg)"),
    "hmn" to listOf("Hnub mus xyuas", "Sij hawm mus xyuas", "Tus me nyuam hnyav pes tsawg (kg)"),
)
