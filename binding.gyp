{
  "targets": [
    {
      "target_name": "rustypotato",
      "sources": [
        "<!@(node -e \"console.log(require('fs').readdirSync('native', {recursive: true}).filter(f => f.endsWith('.cc')).map(f => 'native/' + f).join(' '))\")",
        "<!@(sh scripts/fetch-lua.sh --sources)"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "native",
        "third_party/lua5.1/src",
        "third_party/lua-cjson"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_c": ["-O2", "-fPIC", "-w"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++20", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-fexceptions"],
      "xcode_settings": {"GCC_ENABLE_CPP_EXCEPTIONS": "YES", "CLANG_CXX_LANGUAGE_STANDARD": "c++20"}
    }
  ]
}
