import BranchbookCore
import CoreLocation
import Foundation

/// The phone's position from CoreLocation for a geopoint question: it keeps the most
/// accurate fix while she waits, so she can save once the accuracy is good enough.
@MainActor
final class LocationReader: NSObject, ObservableObject, CLLocationManagerDelegate {
    @Published private(set) var best: CLLocation?
    /// The last fix, for following the position (an audited form's log).
    @Published private(set) var latest: CLLocation?
    @Published private(set) var denied = false
    @Published private(set) var running = false
    private let manager = CLLocationManager()

    override init() {
        super.init()
        manager.delegate = self
        manager.desiredAccuracy = kCLLocationAccuracyBest
    }

    func start() {
        best = nil
        running = true
        switch manager.authorizationStatus {
        case .notDetermined:
            manager.requestWhenInUseAuthorization()
        case .denied, .restricted:
            denied = true
            running = false
        default:
            manager.startUpdatingLocation()
        }
    }

    /// Follows the position at the accuracy an audited form's priority asks for.
    func follow(_ priority: LocationPriority) {
        switch priority {
        case .highAccuracy: manager.desiredAccuracy = kCLLocationAccuracyBest
        case .balanced: manager.desiredAccuracy = kCLLocationAccuracyHundredMeters
        case .lowPower: manager.desiredAccuracy = kCLLocationAccuracyKilometer
        case .noPower: manager.desiredAccuracy = kCLLocationAccuracyThreeKilometers
        }
        start()
    }

    func stop() {
        manager.stopUpdatingLocation()
        running = false
    }

    /// A fix as the core takes it: altitude only when the phone measured it, accuracy in metres.
    static func point(_ fix: CLLocation) -> GeoPoint {
        GeoPoint(
            latitude: fix.coordinate.latitude,
            longitude: fix.coordinate.longitude,
            altitude: fix.verticalAccuracy >= 0 ? fix.altitude : nil,
            accuracy: fix.horizontalAccuracy
        )
    }

    nonisolated func locationManagerDidChangeAuthorization(_ manager: CLLocationManager) {
        Task { @MainActor in
            switch manager.authorizationStatus {
            case .authorizedWhenInUse, .authorizedAlways:
                denied = false
                if running {
                    manager.startUpdatingLocation()
                }
            case .denied, .restricted:
                denied = true
                running = false
            default:
                break
            }
        }
    }

    nonisolated func locationManager(_ manager: CLLocationManager, didUpdateLocations locations: [CLLocation]) {
        Task { @MainActor in
            for location in locations where location.horizontalAccuracy >= 0 {
                if let current = best, current.horizontalAccuracy <= location.horizontalAccuracy {
                    continue
                }
                best = location
            }
            if let last = locations.last(where: { $0.horizontalAccuracy >= 0 }) {
                latest = last
            }
        }
    }

    nonisolated func locationManager(_ manager: CLLocationManager, didFailWithError error: Error) {
        Task { @MainActor in
            running = false
        }
    }
}
