// Small RAII owners of OpenGL objects. The only place, with the renderers in this directory,
// that calls OpenGL.
#pragma once

#include <string>
#include <string_view>

#include <glad/gl.h>

namespace ax::gl {

// Compiles and links a program; throws std::runtime_error with the compile or link log (and the
// shader's file name) when either fails.
class Program {
 public:
  Program(std::string_view vertex_name, std::string_view vertex_source, std::string_view fragment_name,
          std::string_view fragment_source);
  ~Program();
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;

  GLuint id() const { return id_; }
  GLint uniform(const char* name) const { return glGetUniformLocation(id_, name); }

 private:
  GLuint id_ = 0;
};

class Texture {
 public:
  Texture();
  ~Texture();
  Texture(Texture&& other) noexcept;
  Texture& operator=(Texture&& other) noexcept;
  Texture(const Texture&) = delete;
  Texture& operator=(const Texture&) = delete;
  GLuint id() const { return id_; }

 private:
  GLuint id_ = 0;
};

class Framebuffer {
 public:
  Framebuffer();
  ~Framebuffer();
  Framebuffer(Framebuffer&& other) noexcept;
  Framebuffer& operator=(Framebuffer&& other) noexcept;
  Framebuffer(const Framebuffer&) = delete;
  Framebuffer& operator=(const Framebuffer&) = delete;
  GLuint id() const { return id_; }

 private:
  GLuint id_ = 0;
};

class VertexArray {
 public:
  VertexArray();
  ~VertexArray();
  VertexArray(const VertexArray&) = delete;
  VertexArray& operator=(const VertexArray&) = delete;
  GLuint id() const { return id_; }

 private:
  GLuint id_ = 0;
};

}  // namespace ax::gl
