{
  "variables": {
    "with_cuda%": "0",
    "cuda_home%": "/usr/local/cuda"
  },
  "target_defaults": {
    "include_dirs": [
      "<!(node -p \"require('node-addon-api').include_dir\")",
      "kernels/include",
      "kernels"
    ],
    "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
    "cflags_cc": ["-std=c++20", "-O3", "-fexceptions", "-Wall", "-Wextra", "-Wno-unused-parameter"],
    "ldflags": ["-pthread"]
  },
  "targets": [
    {
      "target_name": "writeprof",
      "sources": ["<!@(ls -1 kernels/addon/*.cc kernels/cpu/*.cc kernels/peers/*.cc)"],
      "libraries": ["-lhiredis"],
      "conditions": [
        ["with_cuda==1 or with_cuda=='1'", {
          "defines": ["WP_WITH_CUDA=1"],
          "libraries": [
            "<(module_root_dir)/out/cuda/libwpcuda.a",
            "-L<(cuda_home)/lib64",
            "-lcudart_static", "-lrt", "-ldl", "-lpthread"
          ]
        }, {
          "sources": ["kernels/addon/stub/cuda_absent.cc"]
        }]
      ]
    },
    {
      "target_name": "writeprof_sys",
      "sources": ["kernels/sys/sys.cc"]
    },
    {
      "target_name": "writeprof_emu",
      "sources": ["kernels/addon/addon.cc", "kernels/addon/case.cc", "kernels/addon/params.cc"],
      "defines": ["WP_EMU_ADDON=1"],
      "libraries": [
        "<(module_root_dir)/out/emu/libwpemu_cuda.a",
        "<(module_root_dir)/out/emu/libwpemu_rt.a",
        "-lpthread"
      ]
    },
    {
      "target_name": "writeprof_check",
      "sources": ["kernels/addon/addon.cc", "kernels/addon/case.cc", "kernels/addon/params.cc", "kernels/addon/check/findings.cc",
                  "kernels/addon/traffic/traffic.cc"],
      "defines": ["WP_CHECK_ADDON=1"],
      "include_dirs": ["kernels/emu/include", "kernels/emu/check", "kernels/emu/traffic"],
      "libraries": [
        "-Wl,--start-group",
        "<(module_root_dir)/out/emu/libwpemu_cuda_check.a",
        "<(module_root_dir)/out/emu/libwpemu_check.a",
        "<(module_root_dir)/out/emu/libwpemu_rt.a",
        "-Wl,--end-group",
        "-lpthread"
      ]
    }
  ]
}
