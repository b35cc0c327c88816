// JavaRosa's side of the Branchbook vs JavaRosa comparison (run.sh in this folder runs
// both sides and prints the table; the Rust side is main.rs).
//
//   java -cp CLASSPATH JavaRosaFill FORM.xml ANSWERS.tsv [--warmup-secs S] [--runs R] [--run-secs S] [--print-submission]
//
// It loads an XForm (as pyxform writes it from the same XLSForm), then fills it many times
// the way ODK Collect drives JavaRosa: FormEntryController steps from screen to screen
// (a question, or a whole field-list group or repeat instance); each screen is drawn as
// Collect's views read it (caption hierarchy, label, hint, choices with their labels,
// current answer, required, read-only) and each question is answered with
// answerQuestion(index, value, true) (constraints checked, as Collect does on leaving a
// screen); on a field-list screen, after each answer, the questions shown are compared
// with snapshots taken before it and those that appeared or changed are drawn again (as
// Collect does); at a repeat prompt a new instance is added while the script has answers
// for it. At the end, as Collect's save:
// FormDef.validate() (every constraint and required question), postProcessInstance()
// and the submission XML (XFormSerializingVisitor). A new fill starts from a clone of the
// blank main instance and FormDef.initialize(true, ...), as JavaRosa's own benchmarks
// (Scenario.newInstance) do. The answers come from the same TSV script as the Rust side
// (see script.rs); a question the script does not list stops the run.
//
// It prints `RESULT key value` lines: the same measurements, in the same order, with the
// same warm-up and run lengths as the Rust side. `--print-submission` prints the first
// fill's XML on stderr.

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.javarosa.core.model.Constants;
import org.javarosa.core.model.CoreModelModule;
import org.javarosa.core.model.FormDef;
import org.javarosa.core.model.FormIndex;
import org.javarosa.core.model.IFormElement;
import org.javarosa.core.model.SelectChoice;
import org.javarosa.core.model.ValidateOutcome;
import org.javarosa.core.model.data.DecimalData;
import org.javarosa.core.model.data.GeoPointData;
import org.javarosa.core.model.data.IAnswerData;
import org.javarosa.core.model.data.IntegerData;
import org.javarosa.core.model.data.SelectMultiData;
import org.javarosa.core.model.data.SelectOneData;
import org.javarosa.core.model.data.StringData;
import org.javarosa.core.model.data.helper.Selection;
import org.javarosa.core.model.instance.FormInstance;
import org.javarosa.core.model.instance.InstanceInitializationFactory;
import org.javarosa.core.model.instance.TreeReference;
import org.javarosa.core.model.actions.setgeopoint.SetGeopointAction;
import org.javarosa.core.model.actions.setgeopoint.SetGeopointActionHandler;
import org.javarosa.core.reference.PrefixedRootFactory;
import org.javarosa.core.reference.Reference;
import org.javarosa.core.reference.ReferenceManager;
import org.javarosa.core.services.IPropertyManager;
import org.javarosa.core.services.PropertyManager;
import org.javarosa.core.services.PrototypeManager;
import org.javarosa.core.services.properties.IPropertyRules;
import org.javarosa.core.services.transport.payload.ByteArrayPayload;
import org.javarosa.core.util.JavaRosaCoreModule;
import org.javarosa.form.api.FormEntryCaption;
import org.javarosa.form.api.FormEntryController;
import org.javarosa.form.api.FormEntryModel;
import org.javarosa.form.api.FormEntryPrompt;
import org.javarosa.model.xform.XFormSerializingVisitor;
import org.javarosa.model.xform.XFormsModule;
import org.javarosa.xform.parse.XFormParser;
import org.javarosa.xform.util.XFormUtils;

public final class JavaRosaFill {
    /** Keeps the JIT from dropping work whose result is otherwise unused. */
    static long sink;
    /** `--print-submission`: print the first fill's XML on stderr. */
    static boolean printSubmission;

    /** The answer script (format described in script.rs). */
    static final class Script {
        final Map<String, String> answers = new HashMap<>();
        final Set<String> instances = new HashSet<>();

        Script(String text) {
            for (String line : text.split("\n")) {
                if (line.trim().isEmpty() || line.startsWith("#")) continue;
                int tab = line.indexOf('\t');
                String path = (tab < 0 ? line : line.substring(0, tab)).trim();
                String value = tab < 0 ? "" : line.substring(tab + 1).trim();
                answers.put(path, value);
                for (int i = path.indexOf("]/"); i >= 0; i = path.indexOf("]/", i + 1)) {
                    instances.add(path.substring(0, i + 2));
                }
            }
        }

        boolean wantsInstance(String repeat, int count) {
            return instances.contains(repeat + "[" + (count + 1) + "]/");
        }
    }

    /** What one fill did, compared with the Rust side's. */
    static final class Fill {
        int answers;
        final Set<String> instances = new HashSet<>();
        long bytes;

        @Override
        public boolean equals(Object o) {
            Fill f = (Fill) o;
            // The XML's length varies with its timestamps; what was answered must not.
            return answers == f.answers && instances.equals(f.instances);
        }

        @Override
        public int hashCode() {
            return answers;
        }
    }

    /** Times of the steps of fills (ms), gathered in a separate pass so that timing each
     * answer does not slow the full fills measured (as main.rs). */
    static final class Steps {
        /** Opening a new instance: the blank instance cloned, the controller, initialize(). */
        final List<Double> open = new ArrayList<>();
        /** One answerQuestion(index, value, true), with the re-evaluation it triggers. */
        final List<Double> answer = new ArrayList<>();
        /** One answer as the UI sees it: snapshots of the page, answerQuestion, the page's
         * questions read again and those that changed drawn again. */
        final List<Double> answerUi = new ArrayList<>();
        /** validate(), postProcessInstance() and the submission XML. */
        final List<Double> finish = new ArrayList<>();
    }

    // ---- one fill -------------------------------------------------------------------

    static Fill fill(FormDef fd, FormInstance blank, Script script) throws IOException {
        return fill(fd, blank, script, null);
    }

    /** A fill; with `steps` (not null), the time of each step is added to it. */
    static Fill fill(FormDef fd, FormInstance blank, Script script, Steps steps) throws IOException {
        long t = System.nanoTime();
        fd.setInstance(blank.clone());
        FormEntryModel model = new FormEntryModel(fd);
        FormEntryController fec = new FormEntryController(model);
        fd.initialize(true, new InstanceInitializationFactory());
        if (steps != null) steps.open.add(ms(System.nanoTime() - t));
        Fill fill = new Fill();

        int event = toScreen(fec, fec.stepToNextEvent());
        while (event != FormEntryController.EVENT_END_OF_FORM) {
            FormIndex screen = model.getFormIndex();
            if (event == FormEntryController.EVENT_PROMPT_NEW_REPEAT) {
                StringBuilder repeat = new StringBuilder();
                int count = pathOf(screen, repeat);
                if (script.wantsInstance(repeat.toString(), count)) {
                    fec.newRepeat();
                    // Collect shows the new instance itself (a field-list repeat is a screen).
                    event = toScreen(fec, model.getEvent());
                } else {
                    event = toScreen(fec, fec.stepToNextEvent());
                }
                continue;
            }
            boolean fieldList = event != FormEntryController.EVENT_QUESTION;
            List<FormEntryPrompt> shown = prompts(fec, screen);
            render(fec, screen, shown);
            Set<FormIndex> done = new HashSet<>();
            while (true) {
                FormEntryPrompt next = null;
                for (FormEntryPrompt p : shown) {
                    if (!p.isReadOnly() && !done.contains(p.getIndex())) {
                        next = p;
                        break;
                    }
                }
                if (next == null) break;
                done.add(next.getIndex());
                StringBuilder path = new StringBuilder();
                pathOf(next.getIndex(), path);
                String value = script.answers.get(path.toString());
                if (value == null) throw new IllegalStateException("the script has no answer for " + path);
                if (value.isEmpty()) continue;
                IAnswerData data = answer(next, value);
                long ui = System.nanoTime();
                List<Snapshot> before = new ArrayList<>();
                if (fieldList) for (FormEntryPrompt p : shown) before.add(new Snapshot(p));
                long a = System.nanoTime();
                int status = fec.answerQuestion(next.getIndex(), data, true);
                if (steps != null) steps.answer.add(ms(System.nanoTime() - a));
                if (status != FormEntryController.ANSWER_OK) {
                    throw new IllegalStateException(path + ": " + value + " refused (status " + status + ")");
                }
                fill.answers++;
                int end = path.lastIndexOf("]/");
                if (end >= 0) fill.instances.add(path.substring(0, end + 1));
                if (fieldList) {
                    // As Collect on a field-list screen: the questions shown now, compared with
                    // snapshots of before; those that appeared or changed are drawn again.
                    shown = prompts(fec, screen);
                    for (FormEntryPrompt p : shown) {
                        boolean same = false;
                        for (Snapshot b : before) same |= b.sameAs(p);
                        if (!same) sink += render(p);
                    }
                }
                if (steps != null) steps.answerUi.add(ms(System.nanoTime() - ui));
            }
            if (event != FormEntryController.EVENT_QUESTION) {
                // Leave a field-list screen: past the last of its questions.
                FormIndex last = screen;
                for (FormIndex i = model.incrementIndex(screen, true); FormIndex.isSubElement(screen, i);
                     i = model.incrementIndex(i, true)) {
                    last = i;
                }
                fec.jumpToIndex(last);
            }
            event = toScreen(fec, fec.stepToNextEvent());
        }

        t = System.nanoTime();
        ValidateOutcome outcome = fd.validate();
        if (outcome != null) {
            throw new IllegalStateException("validation failed at " + outcome.failedPrompt.getReference()
                + " (outcome " + outcome.outcome + ")");
        }
        fd.postProcessInstance();
        ByteArrayPayload xml = (ByteArrayPayload) new XFormSerializingVisitor().createSerializedPayload(fd.getInstance());
        fill.bytes = xml.getLength();
        if (steps != null) steps.finish.add(ms(System.nanoTime() - t));
        if (printSubmission) {
            printSubmission = false;
            System.err.println(new String(xml.getPayloadStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        return fill;
    }

    /** From an event, steps on until a screen: a question, a field-list group or repeat
     * instance with something to show, a repeat prompt, or the end. */
    static int toScreen(FormEntryController fec, int event) {
        FormEntryModel model = fec.getModel();
        while (true) {
            switch (event) {
                case FormEntryController.EVENT_QUESTION:
                case FormEntryController.EVENT_PROMPT_NEW_REPEAT:
                case FormEntryController.EVENT_END_OF_FORM:
                    return event;
                case FormEntryController.EVENT_GROUP:
                case FormEntryController.EVENT_REPEAT:
                    if (isFieldList(model.getForm(), model.getFormIndex())
                        && !prompts(fec, model.getFormIndex()).isEmpty()) {
                        return event;
                    }
                    break;
                default:
                    break;
            }
            event = fec.stepToNextEvent();
        }
    }

    static boolean isFieldList(FormDef fd, FormIndex index) {
        IFormElement e = fd.getChild(index);
        String appearance = e.getAppearanceAttr();
        return appearance != null && appearance.toLowerCase().contains("field-list");
    }

    /** The questions a screen shows: its question, or the relevant questions of its
     * field-list group or repeat instance. */
    static List<FormEntryPrompt> prompts(FormEntryController fec, FormIndex screen) {
        FormEntryModel model = fec.getModel();
        List<FormEntryPrompt> prompts = new ArrayList<>();
        if (model.getEvent(screen) == FormEntryController.EVENT_QUESTION) {
            prompts.add(model.getQuestionPrompt(screen));
        } else {
            for (FormIndex i = model.incrementIndex(screen, true); FormIndex.isSubElement(screen, i);
                 i = model.incrementIndex(i, true)) {
                if (model.getEvent(i) == FormEntryController.EVENT_QUESTION && model.isIndexRelevant(i)) {
                    prompts.add(model.getQuestionPrompt(i));
                }
            }
        }
        return prompts;
    }

    /** Draws a screen as Collect's views read it: the group captions above, then each question. */
    static void render(FormEntryController fec, FormIndex screen, List<FormEntryPrompt> prompts) {
        long n = 0;
        for (FormEntryCaption c : fec.getModel().getCaptionHierarchy(screen)) n += length(c.getLongText());
        for (FormEntryPrompt p : prompts) n += render(p);
        sink += n;
    }

    /** Reads what a question's widget shows: label, hint, choices with their labels,
     * current answer, required and read-only flags. */
    static long render(FormEntryPrompt p) {
        long n = length(p.getLongText()) + length(p.getHelpText());
        if (p.getDataType() == Constants.DATATYPE_CHOICE || p.getDataType() == Constants.DATATYPE_CHOICE_LIST) {
            for (SelectChoice c : p.getSelectChoices()) n += length(p.getSelectChoiceText(c));
        }
        IAnswerData value = p.getAnswerValue();
        if (value != null) n += length(value.getDisplayText());
        if (p.isRequired()) n++;
        if (p.isReadOnly()) n++;
        return n;
    }

    /** What Collect compares to decide which questions of a field-list screen changed
     * after an answer (its ImmutableDisplayableQuestion). */
    static final class Snapshot {
        final FormIndex index;
        final String text;
        final String hint;
        final String answer;
        final boolean readOnly;
        final List<SelectChoice> choices;

        Snapshot(FormEntryPrompt p) {
            index = p.getIndex();
            text = p.getQuestionText();
            hint = p.getHelpText();
            answer = p.getAnswerText();
            readOnly = p.isReadOnly();
            List<SelectChoice> c = p.getSelectChoices();
            choices = c == null ? null : new ArrayList<>(c);
        }

        boolean sameAs(FormEntryPrompt p) {
            return p.getIndex().equals(index)
                && Objects.equals(p.getQuestionText(), text)
                && Objects.equals(p.getHelpText(), hint)
                && Objects.equals(p.getAnswerText(), answer)
                && p.isReadOnly() == readOnly
                && Objects.equals(p.getSelectChoices(), choices);
        }
    }

    static int length(String s) {
        return s == null ? 0 : s.length();
    }

    /** Writes the question path of `index` (script.rs's format) into `out`; for a repeat
     * prompt, the repeat's path, returning its instance number (how many exist). */
    static int pathOf(FormIndex index, StringBuilder out) {
        TreeReference ref = index.getReference();
        int depth = 1; // step 0 is the root element
        for (FormIndex level = index; level != null; level = level.getNextLevel(), depth++) {
            String name = ref.getName(depth);
            if (level.getNextLevel() == null) {
                out.append(name);
                return level.getInstanceIndex();
            }
            if (level.getInstanceIndex() >= 0) {
                out.append(name).append('[').append(level.getInstanceIndex() + 1).append("]/");
            }
        }
        return -1;
    }

    /** The script's value as the answer type the prompt needs. */
    static IAnswerData answer(FormEntryPrompt p, String value) {
        if (p.getControlType() == Constants.CONTROL_TRIGGER) return new StringData("OK");
        switch (p.getDataType()) {
            case Constants.DATATYPE_TEXT:
                return new StringData(value);
            case Constants.DATATYPE_INTEGER:
                return new IntegerData(Integer.parseInt(value));
            case Constants.DATATYPE_DECIMAL:
                return new DecimalData(Double.parseDouble(value));
            case Constants.DATATYPE_CHOICE:
                return new SelectOneData(choice(p, value));
            case Constants.DATATYPE_CHOICE_LIST: {
                List<Selection> selections = new ArrayList<>();
                for (String v : value.split("\\s+")) selections.add(choice(p, v));
                return new SelectMultiData(selections);
            }
            case Constants.DATATYPE_GEOPOINT: {
                String[] parts = value.split("\\s+");
                double[] point = new double[4];
                for (int i = 0; i < 4; i++) point[i] = Double.parseDouble(parts[i]);
                return new GeoPointData(point);
            }
            case Constants.DATATYPE_BINARY:
                // Collect stores the photo's file name; ours is its hash.
                return new StringData(value + ".jpg");
            default:
                throw new IllegalStateException(p.getIndex().getReference() + ": no answers of data type " + p.getDataType());
        }
    }

    static Selection choice(FormEntryPrompt p, String name) {
        for (SelectChoice c : p.getSelectChoices()) {
            if (c.getValue().equals(name)) return c.selection();
        }
        StringBuilder offered = new StringBuilder();
        for (SelectChoice c : p.getSelectChoices()) offered.append(" ").append(c.getValue());
        throw new IllegalStateException(p.getIndex().getReference() + ": no choice " + name + " (offered:" + offered + ")");
    }

    /** The device's properties that metadata fields read (deviceid, username), as
     * Collect's property manager gives them. */
    static final class DeviceProperties implements IPropertyManager {
        final Map<String, String> values = new HashMap<>();

        public List<String> getProperty(String name) {
            String v = values.get(name);
            return v == null ? null : Collections.singletonList(v);
        }

        public void setProperty(String name, String value) {
            values.put(name, value);
        }

        public void setProperty(String name, List<String> value) {
            values.put(name, value.isEmpty() ? null : value.get(0));
        }

        public String getSingularProperty(String name) {
            return values.get(name);
        }

        public void addRules(IPropertyRules rules) {
        }

        public List<IPropertyRules> getRules() {
            return Collections.emptyList();
        }
    }

    // ---- loading ---------------------------------------------------------------------

    static FormDef parse(byte[] xml) throws Exception {
        return XFormUtils.getFormFromInputStream(new ByteArrayInputStream(xml));
    }

    /** Collect keeps a parsed form serialized (its .formdef cache) and opens it from there. */
    static FormDef fromCache(byte[] cache) throws Exception {
        FormDef fd = new FormDef();
        fd.readExternal(new DataInputStream(new ByteArrayInputStream(cache)), PrototypeManager.getDefault());
        return fd;
    }

    // ---- measuring -------------------------------------------------------------------

    interface Load {
        FormDef run() throws Exception;
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    static double median(List<Double> v) {
        return quantile(v, 0.5);
    }

    /** The `q` quantile (nearest rank) of `v`, as main.rs. */
    static double quantile(List<Double> v, double q) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s.get(Math.min((int) (s.size() * q), s.size() - 1));
    }

    static double medianLoad(Load load) throws Exception {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long t = System.nanoTime();
            sink += load.run().hashCode();
            times.add(ms(System.nanoTime() - t));
        }
        return median(times);
    }

    /** CPU time this process has used (all threads, JIT and GC included, user + system),
     * from /proc (Linux; clock ticks of 1/100 s): unlike wall time, not inflated when
     * other work preempts us. */
    static double cpuSecs() throws IOException {
        String stat = new String(Files.readAllBytes(Paths.get("/proc/self/stat")), StandardCharsets.UTF_8);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 1).trim().split("\\s+");
        // Fields 14 and 15 of the file (utime, stime) are 11 and 12 after the name.
        return (Double.parseDouble(fields[11]) + Double.parseDouble(fields[12])) / 100.0;
    }

    /** Peak resident memory of this process so far, from /proc (Linux), in MiB. */
    static double peakRssMib() throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) return Double.parseDouble(line.split("\\s+")[1]) / 1024.0;
        }
        return -1;
    }

    static double flag(String[] args, String name, double fallback) {
        for (int i = 0; i + 1 < args.length; i++) if (args[i].equals(name)) return Double.parseDouble(args[i + 1]);
        return fallback;
    }

    /** `start-geopoint`: Collect asks the phone for a location when such a form opens and
     * saves it when one comes; here none comes, as on our side (the app reports it later). */
    public static final class NoLocation extends SetGeopointAction {
        /** For reading the form back from Collect's cache. */
        public NoLocation() {}

        NoLocation(TreeReference target) {
            super(target);
        }

        @Override
        public void requestLocationUpdates() {}
    }

    static final class NoLocationHandler extends SetGeopointActionHandler {
        @Override
        public SetGeopointAction getSetGeopointAction() { return new NoLocation(null); }
    }

    /** jr://ROOT/NAME resolved to DIR/NAME: jr://file/ is the form's media folder (its
     * attached files), jr://instance/last-saved the last saved instance of the form, which
     * Collect keeps and the harness writes beside the form (`prepare`). */
    static final class FormMediaFactory extends PrefixedRootFactory {
        private final java.nio.file.Path dir;

        FormMediaFactory(String root, java.nio.file.Path dir) {
            super(new String[] {root});
            this.dir = dir;
        }

        @Override
        protected Reference factory(String terminal, String uri) {
            java.nio.file.Path file = dir.resolve(terminal.replaceFirst("^/+", ""));
            return new Reference() {
                public boolean doesBinaryExist() { return Files.exists(file); }
                public java.io.InputStream getStream() throws IOException { return Files.newInputStream(file); }
                public String getURI() { return uri; }
                public String getLocalURI() { return file.toString(); }
                public boolean isReadOnly() { return true; }
                public java.io.OutputStream getOutputStream() throws IOException { throw new IOException("read-only"); }
                public void remove() throws IOException { throw new IOException("read-only"); }
                public Reference[] probeAlternativeReferences() { return new Reference[0]; }
            };
        }
    }

    public static void main(String[] args) throws Exception {
        long warmupNanos = (long) (flag(args, "--warmup-secs", 5) * 1e9);
        int runs = (int) flag(args, "--runs", 7);
        long runNanos = (long) (flag(args, "--run-secs", 2) * 1e9);
        printSubmission = Arrays.asList(args).contains("--print-submission");
        byte[] xml = Files.readAllBytes(Paths.get(args[0]));
        Script script = new Script(new String(Files.readAllBytes(Paths.get(args[1])), StandardCharsets.UTF_8));

        // What an app does once at start-up (Collect: JavaRosa modules and prototypes).
        new XFormsModule().registerModule();
        PrototypeManager.registerPrototypes(JavaRosaCoreModule.classNames);
        PrototypeManager.registerPrototypes(CoreModelModule.classNames);
        DeviceProperties device = new DeviceProperties();
        device.setProperty("deviceid", "branchbook-bench-device");
        device.setProperty("username", "branchhead");
        PropertyManager.setPropertyManager(device);
        XFormParser.registerActionHandler(SetGeopointActionHandler.ELEMENT_NAME, new NoLocationHandler());
        PrototypeManager.registerPrototype(NoLocation.class.getName());
        // The form's attached files (jr://file/NAME: a real form's GeoJSON or CSV lists) and
        // its last saved instance are read from the folder the XForm is in, as Collect reads
        // them from the form's media and its instances.
        java.nio.file.Path formDir = Paths.get(args[0]).toAbsolutePath().getParent();
        ReferenceManager.instance().addReferenceFactory(new FormMediaFactory("file", formDir));
        ReferenceManager.instance().addReferenceFactory(new FormMediaFactory("instance", formDir));

        long t = System.nanoTime();
        FormDef fd = parse(xml);
        double loadCold = ms(System.nanoTime() - t);
        FormInstance blank = fd.getMainInstance().clone();
        t = System.nanoTime();
        Fill first = fill(fd, blank, script);
        double fillCold = ms(System.nanoTime() - t);

        int warmupFills = 0;
        t = System.nanoTime();
        while (System.nanoTime() - t < warmupNanos || warmupFills < 3) {
            if (!fill(fd, blank, script).equals(first)) throw new IllegalStateException("fills differ");
            warmupFills++;
        }
        // The peak now: the engine's load and fills, before the timed runs keep their
        // timings (which grow with the number of fills, not with the engine).
        double peakRss = peakRssMib();

        List<Double> rates = new ArrayList<>();
        List<Double> cpuRates = new ArrayList<>();
        List<Double> times = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            double cpu = cpuSecs();
            int n = 0;
            while (System.nanoTime() - start < runNanos || n < 3) {
                long f = System.nanoTime();
                sink += fill(fd, blank, script).bytes;
                times.add(ms(System.nanoTime() - f));
                n++;
            }
            rates.add(n / ((System.nanoTime() - start) / 1e9));
            cpuRates.add(n / (cpuSecs() - cpu));
        }

        // The steps of a fill, timed one by one, for as long as one run.
        Steps steps = new Steps();
        long stepsStart = System.nanoTime();
        while (System.nanoTime() - stepsStart < runNanos || steps.finish.size() < 3) {
            sink += fill(fd, blank, script, steps).bytes;
        }

        double loadXml = medianLoad(() -> parse(xml));
        ByteArrayOutputStream cache = new ByteArrayOutputStream();
        parse(xml).writeExternal(new DataOutputStream(cache));
        byte[] cacheBytes = cache.toByteArray();
        double loadCache = medianLoad(() -> fromCache(cacheBytes));
        // A form opened from the cache fills the same way.
        FormDef cached = fromCache(cacheBytes);
        if (!fill(cached, cached.getMainInstance().clone(), script).equals(first)) {
            throw new IllegalStateException("a form opened from the cache fills differently");
        }

        // The heap still in use with the form loaded and one filled instance.
        fill(fd, blank, script);
        cached = null;
        for (int i = 0; i < 3; i++) System.gc();
        Runtime rt = Runtime.getRuntime();
        double heapUsed = (rt.totalMemory() - rt.freeMemory()) / 1048576.0;

        System.out.println("RESULT engine javarosa");
        System.out.println("RESULT answers " + first.answers);
        System.out.println("RESULT instances " + first.instances.size());
        System.out.println("RESULT submission_bytes " + first.bytes);
        System.out.printf("RESULT load_cold_ms %.3f%n", loadCold);
        System.out.printf("RESULT load_ms %.3f%n", loadXml);
        System.out.printf("RESULT load_phone_ms %.3f%n", loadCache);
        System.out.printf("RESULT fill_cold_ms %.3f%n", fillCold);
        System.out.println("RESULT warmup_fills " + warmupFills);
        System.out.printf("RESULT fill_ms %.4f%n", median(times));
        System.out.printf("RESULT fills_per_s %.1f%n", median(rates));
        System.out.printf("RESULT fills_per_cpu_s %.1f%n", median(cpuRates));
        System.out.printf("RESULT open_ms %.4f%n", median(steps.open));
        System.out.printf("RESULT answer_us %.2f%n", median(steps.answer) * 1e3);
        System.out.printf("RESULT answer_p99_us %.2f%n", quantile(steps.answer, 0.99) * 1e3);
        System.out.printf("RESULT answer_ui_us %.2f%n", median(steps.answerUi) * 1e3);
        System.out.printf("RESULT answer_ui_p99_us %.2f%n", quantile(steps.answerUi, 0.99) * 1e3);
        System.out.printf("RESULT finalize_ms %.4f%n", median(steps.finish));
        System.out.printf("RESULT peak_rss_mib %.1f%n", peakRss);
        System.out.printf("RESULT heap_used_mib %.1f%n", heapUsed);
        System.out.println("RESULT sink " + (sink & 1));
    }
}
