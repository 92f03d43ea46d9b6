// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "git-draft",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "git-draft", targets: ["git-draft"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: [
    .systemLibrary(
      name: "CLibgit2",
      pkgConfig: "libgit2",
      providers: [.apt(["libgit2-dev", "pkg-config"])]
    ),
    .systemLibrary(name: "CSystem"),
    .target(name: "GitKit", dependencies: ["CLibgit2"]),
    .target(name: "DraftKit", dependencies: ["GitKit", "CSystem"]),
    .executableTarget(
      name: "git-draft",
      dependencies: [
        "DraftKit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(name: "GitKitTests", dependencies: ["GitKit"]),
    .testTarget(name: "DraftKitTests", dependencies: ["DraftKit", "GitKit"]),
    .testTarget(name: "CLITests", dependencies: ["git-draft", "DraftKit", "GitKit"]),
  ]
)
