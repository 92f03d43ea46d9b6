/// Bounds on what git-draft writes and accepts from refs. Refs can come from anyone's push,
/// so everything read is checked against these before it is trusted or even loaded.
public enum Limits {
  public static let packBytes = 8 << 20
  public static let titleBytes = 4096
  public static let bodyBytes = 4 << 20
  public static let labelBytes = 256
  public static let reasonBytes = 64 << 10
  public static let commitsPerEntity = 100_000
  /// A tiny object such as the format marker.
  static let markerBytes = 64
}
