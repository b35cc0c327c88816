// The Android app module. Before every build it compiles the Rust core for the phone ABIs
// with cargo-ndk and regenerates the Kotlin bindings (core/bindgen/generate.sh), so the
// library in the APK and the bindings always come from the same code.
// Not run in CI (see ../README.md); tests/android.sh and tests/jvm.sh check these sources.
plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
}

val repoRoot: File = rootDir.parentFile
val rustJniLibs = layout.buildDirectory.dir("rustJniLibs")
val jnaVersion = "5.19.1"

android {
    namespace = "org.branchbook.app"
    compileSdk = 35

    defaultConfig {
        applicationId = "org.branchbook.app"
        minSdk = 26
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        ndk { abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86_64") }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    sourceSets["main"].jniLibs.srcDir(rustJniLibs)
    // The test server the presenters' send and enroll tests start (shared with the
    // bindings' tests).
    sourceSets["test"].kotlin.srcDir(File(repoRoot, "tests/support/kotlin"))

    // The presenters' tests (src/test/kotlin) run on the JVM against the host-built core,
    // as in CI's tests/jvm.sh.
    testOptions.unitTests.all {
        it.useJUnitPlatform()
        // One library, loaded by each generated namespace: the facade's and the core types'.
        val hostLibrary = File(repoRoot, "target/bindings/" + System.mapLibraryName("branchbook_ffi")).path
        it.systemProperty("uniffi.component.branchbook.libraryOverride", hostLibrary)
        it.systemProperty("uniffi.component.branchbook_core.libraryOverride", hostLibrary)
        it.systemProperty("branchbook.syncServer", File(repoRoot, "target/debug/sync_fixture_server").path)
        it.dependsOn("fixtureServer")
    }
}

kotlin { jvmToolchain(17) }

dependencies {
    implementation("net.java.dev.jna:jna:$jnaVersion@aar")
    implementation("com.google.zxing:core:3.5.4")
    testImplementation("net.java.dev.jna:jna:$jnaVersion")
    testImplementation(platform("org.junit:junit-bom:6.1.3"))
    testImplementation("org.junit.jupiter:junit-jupiter")
    testRuntimeOnly("org.junit.platform:junit-platform-launcher")
}

// The core for each ABI, without the `xlsx` feature (phones do not read spreadsheets).
val cargoNdk by tasks.registering(Exec::class) {
    description = "Builds libbranchbook_ffi.so (the facade crate, core/ffi) for the phone ABIs with cargo-ndk."
    workingDir = repoRoot
    commandLine(
        "cargo", "ndk",
        "-t", "arm64-v8a", "-t", "armeabi-v7a", "-t", "x86_64",
        "--platform", "26",
        "-o", rustJniLibs.get().asFile.path,
        "build", "--profile", "mobile", "--locked", "-p", "branchbook-ffi", "--lib", "--no-default-features", "--features", "sync-client",
    )
}

// The test server the presenters' tests start (tests/src/bin/sync_fixture_server.rs).
val fixtureServer by tasks.registering(Exec::class) {
    description = "Builds the test server the presenters' tests start."
    workingDir = repoRoot
    commandLine("cargo", "build", "--workspace", "--locked", "--bin", "sync_fixture_server")
}

// The Kotlin bindings (src/main/kotlin/uniffi/, git-ignored) and the host library for tests.
val generateBindings by tasks.registering(Exec::class) {
    description = "Generates the Kotlin bindings with core/bindgen/generate.sh."
    workingDir = repoRoot
    commandLine("core/bindgen/generate.sh")
}

tasks.named("preBuild") { dependsOn(cargoNdk, generateBindings) }
