// Plugin versions for the whole build; the app module applies them.
plugins {
    id("com.android.application") version "8.13.2" apply false
    // The same Kotlin as tests/lib/tools.sh's kotlinc, so CI compiles what Studio compiles.
    id("org.jetbrains.kotlin.android") version "2.4.20" apply false
}
