#include "render/gl_objects.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace ax::gl {
namespace {

std::string shader_log(GLuint shader) {
  GLint length = 0;
  glGetShaderiv(shader, GL_INFO_LOG_LENGTH, &length);
  std::string log(static_cast<std::size_t>(std::max(length, 1)), '\0');
  glGetShaderInfoLog(shader, length, nullptr, log.data());
  return log;
}

GLuint compile(GLenum type, std::string_view name, std::string_view source) {
  if (source.empty()) throw std::runtime_error("shader " + std::string(name) + " is not embedded in the binary");
  const GLuint shader = glCreateShader(type);
  const char* text = source.data();
  const GLint length = static_cast<GLint>(source.size());
  glShaderSource(shader, 1, &text, &length);
  glCompileShader(shader);
  GLint ok = GL_FALSE;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (ok != GL_TRUE) {
    const std::string log = shader_log(shader);
    glDeleteShader(shader);
    throw std::runtime_error("shader " + std::string(name) + " does not compile: " + log);
  }
  return shader;
}

}  // namespace

Program::Program(std::string_view vertex_name, std::string_view vertex_source, std::string_view fragment_name,
                 std::string_view fragment_source) {
  const GLuint vertex = compile(GL_VERTEX_SHADER, vertex_name, vertex_source);
  GLuint fragment = 0;
  try {
    fragment = compile(GL_FRAGMENT_SHADER, fragment_name, fragment_source);
  } catch (...) {
    glDeleteShader(vertex);
    throw;
  }
  id_ = glCreateProgram();
  glAttachShader(id_, vertex);
  glAttachShader(id_, fragment);
  glLinkProgram(id_);
  glDeleteShader(vertex);
  glDeleteShader(fragment);
  GLint ok = GL_FALSE;
  glGetProgramiv(id_, GL_LINK_STATUS, &ok);
  if (ok != GL_TRUE) {
    GLint length = 0;
    glGetProgramiv(id_, GL_INFO_LOG_LENGTH, &length);
    std::string log(static_cast<std::size_t>(std::max(length, 1)), '\0');
    glGetProgramInfoLog(id_, length, nullptr, log.data());
    glDeleteProgram(id_);
    throw std::runtime_error("program " + std::string(vertex_name) + " + " + std::string(fragment_name) +
                             " does not link: " + log);
  }
}

Program::~Program() {
  if (id_) glDeleteProgram(id_);
}

Texture::Texture() { glGenTextures(1, &id_); }
Texture::~Texture() {
  if (id_) glDeleteTextures(1, &id_);
}
Texture::Texture(Texture&& other) noexcept : id_(std::exchange(other.id_, 0)) {}
Texture& Texture::operator=(Texture&& other) noexcept {
  if (this != &other) {
    if (id_) glDeleteTextures(1, &id_);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

Framebuffer::Framebuffer() { glGenFramebuffers(1, &id_); }
Framebuffer::~Framebuffer() {
  if (id_) glDeleteFramebuffers(1, &id_);
}
Framebuffer::Framebuffer(Framebuffer&& other) noexcept : id_(std::exchange(other.id_, 0)) {}
Framebuffer& Framebuffer::operator=(Framebuffer&& other) noexcept {
  if (this != &other) {
    if (id_) glDeleteFramebuffers(1, &id_);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

VertexArray::VertexArray() { glGenVertexArrays(1, &id_); }
VertexArray::~VertexArray() {
  if (id_) glDeleteVertexArrays(1, &id_);
}

}  // namespace ax::gl
