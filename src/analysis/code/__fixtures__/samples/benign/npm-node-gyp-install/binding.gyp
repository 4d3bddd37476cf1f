{
  "targets": [
    {
      "target_name": "posix",
      "sources": ["src/posix.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS"],
      "conditions": [["OS=='win'", {"sources!": ["src/posix.cc"]}]]
    }
  ]
}
