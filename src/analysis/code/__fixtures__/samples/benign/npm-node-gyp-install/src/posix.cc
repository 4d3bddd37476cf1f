#include <napi.h>
#include <unistd.h>

static Napi::Value GetPpid(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), getppid());
}

static Napi::Value GetPgid(const Napi::CallbackInfo& info) {
  pid_t pid = info.Length() > 0 ? info[0].As<Napi::Number>().Int32Value() : 0;
  return Napi::Number::New(info.Env(), getpgid(pid));
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("getppid", Napi::Function::New(env, GetPpid));
  exports.Set("getpgid", Napi::Function::New(env, GetPgid));
  return exports;
}

NODE_API_MODULE(posix, Init)
