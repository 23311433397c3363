// BackgroundFreer: one thread that destroys memory already detached from the keyspace (a flushed
// database's pool and heap values, big values removed by UNLINK). It never sees live data, so no
// locking of the keyspace is needed; jobs are queued under a mutex.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace rp {

class BackgroundFreer {
 public:
  BackgroundFreer();
  ~BackgroundFreer();  // finishes queued jobs, then joins
  BackgroundFreer(const BackgroundFreer&) = delete;
  BackgroundFreer& operator=(const BackgroundFreer&) = delete;

  // `job` owns what it frees (move-captured); it runs on the background thread.
  void submit(std::function<void()> job);
  // Jobs queued or running (INFO lazyfree_pending_objects).
  size_t pending() const;
  // Blocks until the queue is empty (tests, shutdown).
  void drain();

 private:
  void run();
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::function<void()>> jobs_;
  size_t running_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rp
