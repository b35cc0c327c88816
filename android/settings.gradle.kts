// Gradle build of the Android app, for Android Studio users. CI does not run it (it needs
// Google's Maven and the Android SDK): see README.md for what CI checks instead.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "Branchbook"
include(":app")
